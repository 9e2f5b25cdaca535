import assert from 'node:assert/strict';
import { cellRecordOf } from '../../../src/core/notebooks/cellRecord';
import { cellTimeline, TIMELINE_SOURCE_CHARS } from '../../../src/core/notebooks/timeline';
import { execution } from './cells.test';

describe('the cell timeline of a notebook run', () => {
  it('keeps the latest executions with their status, error and a cut source', () => {
    const records = [
      cellRecordOf(execution({ cell: 'a', index: 0, order: 1 })),
      cellRecordOf(
        execution({
          cell: 'b',
          index: 1,
          order: 2,
          success: false,
          source: 'x'.repeat(TIMELINE_SOURCE_CHARS + 1),
          outputs: [
            [
              {
                mime: 'application/vnd.code.notebook.error',
                data: new TextEncoder().encode('{"name":"KeyError","message":"lr"}'),
              },
            ],
          ],
        }),
      ),
      cellRecordOf(execution({ cell: 'a', index: 0, order: 3 })),
    ];
    const timeline = cellTimeline('nb/train.ipynb', records, 2);
    assert.equal(timeline.notebook, 'nb/train.ipynb');
    assert.equal(timeline.total, 3);
    assert.equal(timeline.failed, 1);
    assert.deepEqual(
      timeline.entries.map((e) => [e.cell, e.order, e.success]),
      [
        ['b', 2, false],
        ['a', 3, true],
      ],
    );
    assert.equal(timeline.entries[0].source.length, TIMELINE_SOURCE_CHARS);
    assert.equal(timeline.entries[0].sourceCut, true);
    assert.deepEqual(timeline.entries[0].error, { name: 'KeyError', message: 'lr' });
    assert.deepEqual(timeline.entries[0].outputKinds, ['error']);
    assert.equal(timeline.entries[1].error, undefined);
  });
});
