import assert from 'node:assert/strict';
import { parseQuery } from '../../../src/core/query';
import type { MetricSummary } from '../../../src/core/store/types';
import {
  allColumns,
  buildRows,
  cellValue,
  differingColumns,
  filterRuns,
  sortRuns,
  toggleSort,
} from '../../../webview/runsTable/model';
import {
  isFromRunsTableWebview,
  parseToRunsTableWebview,
  toTableRun,
} from '../../../webview/runsTable/contract';
import { scrollToRow, visibleColumnRange, visibleRows } from '../../../webview/shared/virtualRange';
import { makeRunDocument } from '../../fixtures/runs';

const m = (last: number | 'NaN', min = last, max = last): MetricSummary => ({
  last,
  min,
  max,
  count: 1,
  step: 0,
  time: 0,
});

const runs = [
  makeRunDocument({
    id: 'r1',
    name: 'alpha',
    experiment: 'a',
    startTime: '2025-01-01T00:00:00Z',
    params: { lr: 0.1, opt: 'sgd' },
    metrics: { acc: m(0.8, 0.1, 0.9) },
    tags: { starred: 'true', stage: 'tuned' },
  }),
  makeRunDocument({
    id: 'r2',
    name: 'beta',
    experiment: 'b',
    startTime: '2025-01-02T00:00:00Z',
    params: { lr: 0.01, opt: 'sgd' },
    metrics: { acc: m(0.9) },
  }),
  makeRunDocument({
    id: 'r3',
    name: 'Gamma',
    experiment: 'a',
    startTime: '2025-01-03T00:00:00Z',
    params: { lr: 0.1, opt: 'sgd', seed: 1 },
    metrics: { acc: m('NaN') },
  }),
];
const columns = allColumns(runs);
const byId = new Map(columns.map((c) => [c.id, c]));
const ids = (list: { id: string }[]) => list.map((r) => r.id);

describe('runs table model', () => {
  it('has the fixed columns, then the metrics and params any run has', () => {
    assert.deepEqual(
      columns.map((c) => c.id),
      [
        'star',
        'status',
        'name',
        'experiment',
        'start',
        'duration',
        'tags',
        'metric:acc',
        'param:lr',
        'param:opt',
        'param:seed',
      ],
    );
  });

  it('reads cells: star, tags, params, the chosen metric statistic', () => {
    assert.equal(cellValue(runs[0], byId.get('star')!, 'last'), true);
    assert.equal(cellValue(runs[0], byId.get('tags')!, 'last'), 'stage=tuned');
    assert.equal(cellValue(runs[1], byId.get('param:seed')!, 'last'), undefined);
    assert.equal(cellValue(runs[0], byId.get('metric:acc')!, 'max'), 0.9);
    assert.equal(cellValue(runs[0], byId.get('metric:acc')!, 'min'), 0.1);
  });

  it('sorts by several columns, missing and NaN values last either way', () => {
    assert.deepEqual(ids(sortRuns(runs, [{ column: 'metric:acc', desc: true }], byId, 'last')), [
      'r2',
      'r1',
      'r3',
    ]);
    assert.deepEqual(ids(sortRuns(runs, [{ column: 'metric:acc', desc: false }], byId, 'last')), [
      'r1',
      'r2',
      'r3',
    ]);
    assert.deepEqual(
      ids(
        sortRuns(
          runs,
          [
            { column: 'param:lr', desc: true },
            { column: 'name', desc: true },
          ],
          byId,
          'last',
        ),
      ),
      ['r3', 'r1', 'r2'],
    );
    assert.deepEqual(ids(sortRuns(runs, [{ column: 'name', desc: false }], byId, 'last')), [
      'r1',
      'r2',
      'r3',
    ]);
    assert.deepEqual(ids(sortRuns(runs, [{ column: 'gone', desc: false }], byId, 'last')), [
      'r1',
      'r2',
      'r3',
    ]);
  });

  it('toggles sort keys: click replaces, shift-click adds or flips', () => {
    let keys = toggleSort([], 'name', false);
    assert.deepEqual(keys, [{ column: 'name', desc: false }]);
    keys = toggleSort(keys, 'name', false);
    assert.deepEqual(keys, [{ column: 'name', desc: true }]);
    keys = toggleSort(keys, 'start', true);
    assert.deepEqual(keys, [
      { column: 'name', desc: true },
      { column: 'start', desc: false },
    ]);
    keys = toggleSort(keys, 'start', true);
    assert.deepEqual(keys[1], { column: 'start', desc: true });
    assert.deepEqual(toggleSort(keys, 'start', false), [{ column: 'start', desc: false }]);
  });

  it('filters by a query', () => {
    assert.deepEqual(ids(filterRuns(runs, parseQuery('params.lr < 0.05 or starred'))), ['r1', 'r2']);
    assert.deepEqual(ids(filterRuns(runs, undefined)), ['r1', 'r2', 'r3']);
  });

  it('finds the param and metric columns whose values differ', () => {
    const differing = differingColumns(runs, columns, 'last');
    assert.ok(differing.has('param:lr') && differing.has('param:seed') && differing.has('metric:acc'));
    assert.ok(!differing.has('param:opt'), 'sgd everywhere');
    assert.ok(differing.has('name'), 'fixed columns always stay');
    assert.ok(!differingColumns([runs[0], runs[0]], columns, 'last').has('metric:acc'));
  });

  it('groups rows by experiment and collapses groups', () => {
    const rows = buildRows(runs, true);
    assert.deepEqual(
      rows.map((r) => (r.kind === 'group' ? `#${r.experiment}:${r.count}` : r.run.id)),
      ['#a:2', 'r1', 'r3', '#b:1', 'r2'],
    );
    assert.deepEqual(
      buildRows(runs, true, new Set(['a'])).map((r) => (r.kind === 'group' ? `#${r.experiment}` : r.run.id)),
      ['#a', '#b', 'r2'],
    );
    assert.equal(buildRows(runs, false).length, 3);
  });
});

describe('virtualized rows', () => {
  it('renders only the rows on screen plus a margin', () => {
    assert.deepEqual(visibleRows(0, 240, 24, 10_000, 8), { start: 0, end: 19 });
    assert.deepEqual(visibleRows(24 * 5000, 240, 24, 10_000, 8), { start: 4992, end: 5019 });
    assert.deepEqual(visibleRows(24 * 20_000, 240, 24, 10_000, 8), { start: 9999, end: 10_000 });
    assert.deepEqual(visibleRows(0, 240, 24, 0), { start: 0, end: 0 });
  });

  it('scrolls just enough to show a row', () => {
    assert.equal(scrollToRow(5, 0, 240, 24), 0);
    assert.equal(scrollToRow(20, 0, 240, 24), 21 * 24 - 240);
    assert.equal(scrollToRow(2, 240, 240, 24), 48);
  });

  it('builds only the columns in view plus a margin, every column with an infinite margin', () => {
    const widths = [28, 100, 100, 100, 100, 100];
    // View 0–150 px with a 20 px margin: columns spanning 0–170 px.
    assert.deepEqual(visibleColumnRange(widths, 0, 150, 20), { start: 0, end: 3 });
    // Scrolled to 250 px: 230–420 px, columns 2 (128–228) is out, 3 (228–328) and 4 (328–428) in.
    assert.deepEqual(visibleColumnRange(widths, 250, 150, 20), { start: 3, end: 5 });
    assert.deepEqual(visibleColumnRange(widths, 400, 1000, 0), { start: 4, end: 6 });
    assert.deepEqual(visibleColumnRange(widths, 0, 150, Number.POSITIVE_INFINITY), { start: 0, end: 6 });
    assert.deepEqual(visibleColumnRange([], 0, 150, 20), { start: 0, end: 0 });
  });
});

describe('runs table contract', () => {
  it('accepts the commands it allows with valid run ids only', () => {
    const ok = { type: 'runCommand', command: 'runlog.compareRuns', args: ['r1', ['r1', 'r2']] };
    assert.equal(isFromRunsTableWebview(ok), true);
    assert.equal(isFromRunsTableWebview({ type: 'ready' }), true);
    for (const bad of [
      { ...ok, command: 'workbench.action.terminal.sendSequence' },
      { ...ok, args: ['../../etc', ['r1']] },
      { ...ok, args: ['r1', []] },
      { ...ok, args: ['r1', ['r1', { toString: 'x' }]] },
      { ...ok, args: 'r1' },
      { type: '__proto__' },
      null,
      'ready',
    ]) {
      assert.equal(isFromRunsTableWebview(bad), false, JSON.stringify(bad));
    }
  });

  it('parses what the extension sends, dropping malformed runs', () => {
    const message = parseToRunsTableWebview({
      type: 'setRuns',
      primaryMetric: '',
      runs: [toTableRun(runs[0]), { id: 3 }],
    });
    assert.equal(message?.type === 'setRuns' && message.runs.length, 1);
    assert.equal(parseToRunsTableWebview({ type: 'setRuns' }), undefined);
    assert.equal(
      parseToRunsTableWebview({ type: 'updateRuns', runs: [], removed: ['a', 4] })?.type,
      'updateRuns',
    );
  });

  it('sends a slim run without datasets, artifacts or the full capture', () => {
    const slim = toTableRun({ ...runs[0], capture: { ...runs[0].capture, packages: ['numpy==2'] } });
    assert.deepEqual(slim.datasets, []);
    assert.equal(slim.capture.packages, undefined);
  });
});
