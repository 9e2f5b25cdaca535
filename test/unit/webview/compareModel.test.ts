import assert from 'node:assert/strict';
import { prepareComparison } from '../../../src/core/compare';
import { isFromCompareWebview, parseToCompareWebview } from '../../../webview/compare/contract';
import { parallelRows, runLabels } from '../../../webview/compare/parallel';
import { multiChartSpec, PALETTE, smooth } from '../../../webview/shared/multiChartSpec';
import { makeRunDocument } from '../../fixtures/runs';

describe('compare page', () => {
  it('labels runs by name, adding the id where names repeat', () => {
    assert.deepEqual(
      runLabels([
        { id: 'x-111111', name: 'a' },
        { id: 'y-222222', name: 'a' },
        { id: 'z', name: 'b' },
      ]),
      ['a (111111)', 'a (222222)', 'b'],
    );
  });

  it('smooths with a debiased moving average, and not at all at 0', () => {
    assert.deepEqual(smooth([1, 2, 3], 0), [1, 2, 3]);
    const s = smooth([10, 10, 10, 0], 0.5);
    assert.equal(s[0], 10, 'debiasing keeps the first value');
    assert.equal(s[2], 10);
    assert.ok(s[3] > 0 && s[3] < 10);
  });

  it('scales parallel-coordinate axes to [0, 1]: numbers by range, text by rank', () => {
    const runs = [
      makeRunDocument({
        id: 'a',
        name: 'a',
        params: { lr: 0.1, opt: 'adam', same: 1 },
        metrics: { acc: { last: 0.5, min: 0, max: 1, count: 1, step: 0, time: 0 } },
      }),
      makeRunDocument({
        id: 'b',
        name: 'b',
        params: { lr: 0.3, opt: 'sgd', same: 1 },
        metrics: { acc: { last: 0.7, min: 0, max: 1, count: 1, step: 0, time: 0 } },
      }),
    ];
    const { dims, rows } = parallelRows(
      prepareComparison(runs, () => undefined),
      'acc',
      ['a', 'b'],
    );
    assert.deepEqual(dims, ['lr', 'opt', 'acc (last)'], 'params that differ, then the metric');
    const at = (series: string, dim: string) => rows.find((r) => r.series === series && r.dim === dim)?.norm;
    assert.equal(at('a', 'lr'), 0);
    assert.equal(at('b', 'lr'), 1);
    assert.equal(at('a', 'opt'), 0);
    assert.equal(at('b', 'acc (last)'), 1);
  });

  it('builds a chart spec with a series per run, a brush, and log scale dropping values ≤ 0', () => {
    const theme = { labels: '#999', grid: '#333', fontFamily: 'x', fontSize: 10, palette: PALETTE };
    const rows = [
      { series: 'a', x: 0, y: 0 },
      { series: 'a', x: 1, y: 2 },
    ];
    const spec = multiChartSpec(rows, theme, {
      width: 400,
      height: 200,
      xTitle: 'step',
      xScale: 'linear',
      logY: true,
      series: ['a'],
    }) as unknown as {
      layer: { data: { values: unknown[] }; params?: { name: string }[] }[];
    };
    const main = spec.layer[spec.layer.length - 1];
    assert.equal(main.data.values.length, 1);
    assert.equal(main.params?.[0].name, 'brush');
  });

  it('gives a step axis whole-number ticks only, and leaves a time axis alone', () => {
    const theme = { labels: '#999', grid: '#333', fontFamily: 'x', fontSize: 10, palette: PALETTE };
    const rows = [{ series: 'a', x: 0, y: 1 }];
    const xAxes = (integerX: boolean) =>
      JSON.stringify(
        (
          multiChartSpec(rows, theme, {
            width: 400,
            height: 200,
            xTitle: 'step',
            xScale: 'linear',
            logY: false,
            series: ['a'],
            integerX,
          }) as unknown as { layer: { encoding?: { x?: { axis?: unknown } } }[] }
        ).layer.map((l) => l.encoding?.x?.axis ?? null),
      );
    assert.match(xAxes(true), /"tickMinStep":1/);
    assert.doesNotMatch(xAxes(false), /tickMinStep/);
  });

  it('refuses malformed or hostile messages', () => {
    const good = [
      { type: 'ready' },
      { type: 'setBaseline', runId: '20250101-000000-000-abcdef12' },
      { type: 'setAxis', axis: 'relative' },
      { type: 'zoom', metric: 'loss', range: [1, 2] },
      { type: 'zoom', metric: 'loss', range: null },
      { type: 'export', format: 'png', name: 'loss.png', data: 'data:image/png;base64,AAAA' },
      { type: 'export', format: 'svg', name: 'loss.svg', data: '<svg xmlns="x"></svg>' },
      { type: 'export', format: 'csv', name: 'params.csv', data: 'a,b\r\n' },
      { type: 'openScriptDiff', runA: 'a1', runB: 'b2' },
      { type: 'runCommand', command: 'runlog.compareDatasetVersions', args: ['sha256:aa', 'sha256:bb'] },
    ];
    for (const message of good) assert.equal(isFromCompareWebview(message), true, JSON.stringify(message));
    const bad = [
      { type: 'setBaseline', runId: '../x' },
      { type: 'setAxis', axis: 'epoch' },
      { type: 'zoom', metric: 'loss', range: [2, 1] },
      { type: 'zoom', metric: 'loss', range: [0, Infinity] },
      { type: 'export', format: 'png', name: '../../.bashrc', data: 'data:image/png;base64,AAAA' },
      { type: 'export', format: 'png', name: 'x.png', data: 'data:text/html,<script>' },
      { type: 'export', format: 'svg', name: 'x.svg', data: 'not svg' },
      { type: 'export', format: 'exe', name: 'x.exe', data: 'MZ' },
      { type: 'openScriptDiff', runA: 'a/../../b', runB: 'c' },
      { type: 'runCommand', command: 'workbench.action.terminal.new', args: [] },
      { type: 'runCommand', command: 'runlog.showRunDetails', args: ['a', 'b', 'c'] },
      { type: 'constructor' },
      [],
    ];
    for (const message of bad) assert.equal(isFromCompareWebview(message), false, JSON.stringify(message));
  });

  it("parses the extension's messages and drops malformed ones", () => {
    assert.equal(parseToCompareWebview({ type: 'setComparison', state: { axis: 'step' } }), undefined);
    const comparison = prepareComparison([makeRunDocument()], () => undefined);
    assert.equal(
      parseToCompareWebview({
        type: 'setComparison',
        state: { comparison, axis: 'step', problems: [], canDiffDatasets: false },
      })?.type,
      'setComparison',
    );
    assert.equal(parseToCompareWebview({ type: 'exported', ok: 'yes', message: '' }), undefined);
  });
});
