import assert from 'node:assert/strict';
import { sampleSeries, SeriesColumns } from '../../../src/core/compare';

function columns(values: number[], step = (i: number) => i, time = (i: number) => 1000 + i): SeriesColumns {
  const c = new SeriesColumns(2);
  values.forEach((v, i) => c.push(step(i), v, time(i)));
  return c;
}

/** A deterministic pseudo-random walk with a few spikes that downsampling must keep. */
function walk(n: number): number[] {
  let seed = 7;
  let v = 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    v += (seed / 2 ** 31 - 0.5) * 0.1;
    out.push(v);
  }
  out[12_345] = 100;
  out[67_890] = -100;
  return out;
}

describe('compare: downsampling series for charts', () => {
  it('grows its columns and tracks whether steps and times are sorted', () => {
    const c = columns([1, 2, 3, 4, 5]);
    assert.equal(c.length, 5);
    assert.deepEqual([...c.value.subarray(0, 5)], [1, 2, 3, 4, 5]);
    assert.equal(c.stepSorted, true);
    c.push(0, 6, 0);
    assert.equal(c.stepSorted, false);
    assert.equal(c.timeSorted, false);
  });

  it('sends small series whole, skipping and counting non-finite values', () => {
    const s = sampleSeries(columns([1, NaN, 3, Infinity, 5]), { axis: 'step' });
    assert.deepEqual(s, { x: [0, 2, 4], y: [1, 3, 5], total: 3, nonFinite: 2, sampled: false });
  });

  it("keeps every bucket's min and max within the point budget, in x order", () => {
    const values = walk(100_000);
    const c = columns(values);
    const s = sampleSeries(c, { axis: 'step', maxPoints: 2000 });
    assert.equal(s.sampled, true);
    assert.equal(s.total, 100_000);
    assert.ok(s.x.length <= 2000, `${s.x.length} points`);
    assert.ok(s.x.length > 1500);
    for (let i = 1; i < s.x.length; i++) assert.ok(s.x[i] > s.x[i - 1], 'x increases');
    assert.equal(Math.max(...s.y), 100, 'the spike survives');
    assert.equal(Math.min(...s.y), -100, 'the dip survives');
    // Each bucket's extremes are present: check against a direct computation.
    const buckets = 999;
    const span = 99_999;
    for (let b = 0; b < buckets; b += 97) {
      const inBucket = values.filter((_, i) => Math.min(buckets - 1, Math.floor((i * buckets) / span)) === b);
      const sent = s.y.filter((_, k) => Math.min(buckets - 1, Math.floor((s.x[k] * buckets) / span)) === b);
      assert.deepEqual(
        [Math.min(...sent), Math.max(...sent)],
        [Math.min(...inBucket), Math.max(...inBucket)],
      );
    }
    assert.equal(s.x[0], 0, 'the first point is kept');
    assert.equal(s.x[s.x.length - 1], 99_999, 'the last point is kept');
  });

  it('fetches a zoomed range at full resolution when it fits the budget', () => {
    const c = columns(walk(100_000));
    const s = sampleSeries(c, { axis: 'step', range: [50_000, 50_999], maxPoints: 2000 });
    assert.equal(s.sampled, false);
    assert.equal(s.x.length, 1000);
    assert.equal(s.x[0], 50_000);
    assert.equal(s.y[0], c.value[50_000]);
  });

  it('samples ranges of series whose steps go back and forth', () => {
    const c = columns([5, 4, 3, 2, 1, 0], (i) => [3, 1, 2, 0, 5, 4][i]);
    const s = sampleSeries(c, { axis: 'step', range: [1, 4] });
    assert.deepEqual(s.x, [1, 2, 3, 4]);
    assert.deepEqual(s.y, [4, 3, 5, 0]);
    const many = columns(walk(20_000), (i) => (i * 7919) % 20_000);
    const sampled = sampleSeries(many, { axis: 'step', maxPoints: 500 });
    assert.ok(sampled.x.length <= 500);
    for (let i = 1; i < sampled.x.length; i++) assert.ok(sampled.x[i] >= sampled.x[i - 1]);
    assert.equal(Math.max(...sampled.y), 100);
  });

  it('uses wall time or time since the run started for x', () => {
    const c = columns([1, 2, 3]);
    assert.deepEqual(sampleSeries(c, { axis: 'time' }).x, [1000, 1001, 1002]);
    assert.deepEqual(sampleSeries(c, { axis: 'relative', origin: 990 }).x, [10, 11, 12]);
    assert.deepEqual(
      sampleSeries(c, { axis: 'relative' }).x,
      [0, 1, 2],
      'from the first point without a start',
    );
    assert.deepEqual(sampleSeries(c, { axis: 'relative', origin: 990, range: [11, 20] }).y, [2, 3]);
  });

  it('spreads points that share one step over buckets by position', () => {
    const c = columns(walk(20_000), () => 7);
    const s = sampleSeries(c, { axis: 'step', maxPoints: 100 });
    assert.ok(s.x.length <= 100 && s.x.length > 50);
    assert.equal(Math.max(...s.y), 100);
  });
});
