import assert from 'node:assert/strict';
import { filterAndSortParams, paramText, paramType } from '../../../webview/details/params';

describe('webview params table', () => {
  const params = {
    lr: 0.001,
    batch_size: 256,
    optimizer: 'adamw',
    pretrained: false,
    grad_clip: null,
    epochs: 90,
  };

  it('sorts by name, naturally, either way', () => {
    const names = (rows: [string, unknown][]) => rows.map(([name]) => name);
    assert.deepEqual(names(filterAndSortParams(params, '', { column: 'name', descending: false })), [
      'batch_size',
      'epochs',
      'grad_clip',
      'lr',
      'optimizer',
      'pretrained',
    ]);
    assert.deepEqual(
      names(filterAndSortParams({ l10: 1, l2: 2, L1: 3 }, '', { column: 'name', descending: true })),
      ['l10', 'l2', 'L1'],
    );
  });

  it('sorts by value: numbers first in numeric order, then the rest as text', () => {
    const rows = filterAndSortParams(params, '', { column: 'value', descending: false });
    assert.deepEqual(
      rows.map(([, value]) => value),
      [0.001, 90, 256, 'adamw', false, null],
    );
  });

  it('filters on names and values, ignoring case', () => {
    assert.deepEqual(
      filterAndSortParams(params, ' ADAM ', { column: 'name', descending: false }).map(([n]) => n),
      ['optimizer'],
    );
    assert.deepEqual(
      filterAndSortParams(params, 'null', { column: 'name', descending: false }).map(([n]) => n),
      ['grad_clip'],
    );
    assert.equal(
      filterAndSortParams(params, 'nothing like this', { column: 'name', descending: false }).length,
      0,
    );
  });

  it('names value types for colouring', () => {
    assert.equal(paramType(1), 'number');
    assert.equal(paramType('1'), 'string');
    assert.equal(paramType(true), 'boolean');
    assert.equal(paramType(null), 'null');
    assert.equal(paramText(null), 'null');
    assert.equal(paramText(false), 'false');
  });
});
