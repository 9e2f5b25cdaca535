import assert from 'node:assert/strict';
import {
  compareMetrics,
  compareParams,
  metricsCsv,
  paramsCsv,
  percentChange,
  prepareComparison,
  toCsv,
} from '../../../src/core/compare';
import type { MetricSummary } from '../../../src/core/store/types';
import { makeRunDocument } from '../../fixtures/runs';

function summary(last: number | 'NaN', min: number | 'NaN', max: number | 'NaN', count = 5): MetricSummary {
  return { last, min, max, count, step: count - 1, time: 0 };
}

const a = makeRunDocument({
  id: '20250101-000000-aaaa',
  name: 'base',
  params: { lr: 0.1, epochs: 10, optimizer: 'sgd' },
  metrics: { loss: summary(0.5, 0.4, 2), acc: summary(0.8, 0.1, 0.82), zero: summary(0, 0, 0) },
});
const b = makeRunDocument({
  id: '20250101-000001-bbbb',
  name: 'tuned, "v2"',
  params: { lr: 0.01, epochs: 10, dropout: 0.2, optimizer: 'sgd' },
  metrics: {
    loss: summary(0.25, 0.2, 2),
    acc: summary(0.7, 0.1, 0.9),
    zero: summary(1, 0, 1),
    f1: summary('NaN', 'NaN', 'NaN'),
  },
});

describe('compare: params and metrics tables', () => {
  it('lists every param side by side, missing ones undefined, and flags differences', () => {
    const rows = compareParams([a, b]);
    assert.deepEqual(
      rows.map((r) => [r.name, r.values, r.differs]),
      [
        ['dropout', [undefined, 0.2], true],
        ['epochs', [10, 10], false],
        ['lr', [0.1, 0.01], true],
        ['optimizer', ['sgd', 'sgd'], false],
      ],
    );
  });

  it('does not take prototype keys for params', () => {
    const rows = compareParams([makeRunDocument({ params: {} }), makeRunDocument({ params: { x: 1 } })]);
    assert.deepEqual(
      rows.map((r) => r.name),
      ['x'],
    );
  });

  it('gives last and best by goal, deltas against the baseline, and better/worse', () => {
    const rows = compareMetrics([a, b], 0, new Map());
    const loss = rows.find((r) => r.name === 'loss')!;
    assert.equal(loss.goal, 'min');
    assert.deepEqual(loss.cells[0], { last: 0.5, best: 0.4, count: 5 });
    assert.equal(loss.cells[1].best, 0.2);
    assert.equal(loss.cells[1].deltaLast, -0.25);
    assert.equal(loss.cells[1].pctLast, -50);
    assert.equal(loss.cells[1].verdictLast, 'better');
    assert.equal(loss.cells[1].verdictBest, 'better');
    assert.equal(loss.bestRun, 1);
    const acc = rows.find((r) => r.name === 'acc')!;
    assert.equal(acc.goal, 'max');
    assert.equal(acc.cells[1].verdictLast, 'worse', 'last went down');
    assert.equal(acc.cells[1].verdictBest, 'better', 'best went up');
    assert.ok(Math.abs(acc.cells[1].pctLast! - -12.5) < 1e-9);
  });

  it('follows the goals setting and the chosen baseline', () => {
    const rows = compareMetrics([a, b], 1, new Map([['loss', 'max' as const]]));
    const loss = rows.find((r) => r.name === 'loss')!;
    assert.equal(loss.goalSource, 'setting');
    assert.equal(loss.cells[0].best, 2);
    assert.equal(loss.cells[1].deltaLast, undefined, 'the baseline has no delta');
    assert.equal(loss.cells[0].verdictLast, 'better', 'with higher better, 0.5 beats the baseline 0.25');
  });

  it('leaves the percentage out against a zero baseline, and NaN values out entirely', () => {
    const rows = compareMetrics([a, b], 0, new Map());
    const zero = rows.find((r) => r.name === 'zero')!;
    assert.equal(zero.cells[1].deltaLast, 1);
    assert.equal(zero.cells[1].pctLast, undefined);
    assert.equal(percentChange(3, 0), undefined);
    const f1 = rows.find((r) => r.name === 'f1')!;
    assert.deepEqual(f1.cells[0], { count: 0 });
    assert.deepEqual(f1.cells[1], { last: undefined, best: undefined, count: 5 });
  });

  it('writes the tables as CSV with quoting', () => {
    const comparison = prepareComparison([a, b], () => undefined);
    const params = paramsCsv(comparison, true).split('\r\n');
    assert.equal(params[0], `param,base (${a.id}),"tuned, ""v2"" (${b.id})"`);
    assert.deepEqual(params.slice(1), ['dropout,,0.2', 'lr,0.1,0.01', '']);
    const metrics = metricsCsv(comparison).split('\r\n');
    assert.match(
      metrics[0],
      /^metric,goal,base \(.*\) last,base \(.*\) best,base \(.*\) delta last,base \(.*\) % last,/,
    );
    assert.equal(metrics[3], 'loss,min,0.5,0.4,,,0.25,0.2,-0.25,-50');
    assert.equal(toCsv([[' padded', 'a\nb', null]]), '" padded","a\nb",\r\n');
  });
});
