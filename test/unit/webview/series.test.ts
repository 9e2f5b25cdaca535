import assert from 'node:assert/strict';
import {
  decodePoint,
  decodeValue,
  downsampleMinMax,
  MAX_DISPLAY_POINTS,
  metricStats,
  MetricSeries,
  nonFiniteNote,
  type ChartPoint,
} from '../../../webview/details/series';

const points = (values: number[], from = 0): ChartPoint[] =>
  values.map((value, i) => ({ step: from + i, value, time: 1_763_762_295 + i }));

describe('webview metric points', () => {
  describe('decoding', () => {
    it('reads numbers, the store strings, and null as NaN', () => {
      assert.equal(decodeValue(0.25), 0.25);
      assert.ok(Number.isNaN(decodeValue('NaN')));
      assert.equal(decodeValue('Infinity'), Infinity);
      assert.equal(decodeValue('-Infinity'), -Infinity);
      assert.equal(decodeValue('inf'), Infinity);
      assert.equal(decodeValue('-inf'), -Infinity);
      assert.ok(Number.isNaN(decodeValue(null)));
      assert.equal(decodeValue('1e-3'), 0.001);
    });

    it('refuses anything else', () => {
      for (const bad of ['', 'abc', '1,5', {}, [], true, undefined])
        assert.equal(decodeValue(bad), undefined, JSON.stringify(bad) ?? 'undefined');
    });

    it('decodes tuples and skips malformed ones', () => {
      assert.deepEqual(decodePoint([3, 0.5, 1000]), { step: 3, value: 0.5, time: 1000 });
      assert.deepEqual(decodePoint([3, 'Infinity', 1000]), { step: 3, value: Infinity, time: 1000 });
      const noTime = decodePoint([3, 1]);
      assert.ok(noTime && Number.isNaN(noTime.time));
      for (const bad of [
        null,
        'x',
        [],
        [1],
        ['1', 2, 3],
        [NaN, 1, 2],
        [1, 'oops', 2],
        { step: 1, value: 2 },
      ]) {
        assert.equal(decodePoint(bad), undefined, JSON.stringify(bad));
      }
    });
  });

  describe('MetricSeries', () => {
    it('counts every point but charts only finite ones', () => {
      const series = new MetricSeries('loss');
      const added = series.append([
        { step: 0, value: 2, time: 0 },
        { step: 1, value: NaN, time: 1 },
        { step: 2, value: Infinity, time: 2 },
        { step: 3, value: -Infinity, time: 3 },
        { step: 4, value: 1, time: 4 },
        { step: 5, value: NaN, time: 5 },
      ]);
      assert.equal(added, 2);
      assert.equal(series.count, 6);
      assert.equal(series.finiteCount, 2);
      assert.deepEqual(series.nonFinite, { nan: 2, posInf: 1, negInf: 1 });
      assert.equal(series.min, 1);
      assert.equal(series.max, 2);
      assert.ok(Number.isNaN(series.last?.value), 'the latest value is the latest logged, even NaN');
      assert.deepEqual(
        series.display.map((p) => p.value),
        [2, 1],
      );
      assert.equal(nonFiniteNote(series.nonFinite), '2 NaN, 1 +Infinity, 1 −Infinity not plotted');
      assert.equal(nonFiniteNote({ nan: 0, posInf: 0, negInf: 0 }), '');
    });

    it('grows its display by appending within an epoch', () => {
      const series = new MetricSeries('acc');
      series.append(points([1, 2, 3]));
      const before = series.display;
      series.append(points([4, 5], 3));
      assert.equal(series.epoch, 0);
      assert.strictEqual(series.display, before);
      assert.deepEqual(
        series.display.map((p) => p.step),
        [0, 1, 2, 3, 4],
      );
    });

    it('downsamples past the limit, bumps the epoch, and keeps appending raw after that', () => {
      const series = new MetricSeries('loss', 100, 20);
      series.append(points(Array.from({ length: 100 }, (_, i) => Math.sin(i))));
      assert.equal(series.epoch, 0);
      assert.equal(series.display.length, 100);
      series.append(points([5], 100));
      assert.equal(series.epoch, 1);
      assert.ok(series.display.length <= 2 * 20 + 2, `${series.display.length} points shown`);
      assert.ok(series.downsampled);
      assert.equal(series.display.at(-1)?.step, 100);
      assert.equal(Math.max(...series.display.map((p) => p.value)), 5, 'the spike survives');
      const length = series.display.length;
      series.append(points([0.5], 101));
      assert.equal(series.epoch, 1);
      assert.equal(series.display.length, length + 1);
      assert.equal(series.finiteCount, 102);
    });

    it('stays bounded with many points, amortizing rebuilds', () => {
      const series = new MetricSeries('x');
      let epochs = 0;
      for (let chunk = 0; chunk < 40; chunk++) {
        const before = series.epoch;
        series.append(
          points(
            Array.from({ length: 1000 }, (_, i) => Math.cos(i / 50)),
            chunk * 1000,
          ),
        );
        epochs += series.epoch - before;
        assert.ok(series.display.length <= MAX_DISPLAY_POINTS);
      }
      assert.equal(series.finiteCount, 40_000);
      assert.ok(epochs <= 40_000 / 2000, `${epochs} rebuilds`);
    });

    it('sorts out-of-order steps when it downsamples', () => {
      const series = new MetricSeries('x', 10, 3);
      series.append(points([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).reverse());
      series.append(points([0], 20));
      const steps = series.display.map((p) => p.step);
      assert.deepEqual(
        steps,
        [...steps].sort((a, b) => a - b),
      );
    });

    it('finds the nearest displayed point, sorted or not', () => {
      const series = new MetricSeries('x');
      series.append(points([10, 20, 30, 40], 0).map((p) => ({ ...p, step: p.step * 10 })));
      assert.equal(series.nearest(14)?.step, 10);
      assert.equal(series.nearest(16)?.step, 20);
      assert.equal(series.nearest(-100)?.step, 0);
      assert.equal(series.nearest(1e9)?.step, 30);
      assert.equal(series.nearest(NaN), undefined);
      series.append([{ step: 5, value: 1, time: 0 }]);
      assert.equal(series.nearest(6)?.step, 5);
      assert.equal(new MetricSeries('empty').nearest(1), undefined);
    });
  });

  describe('downsampleMinMax', () => {
    it('keeps the first, the last and the extremes of every bucket, in step order', () => {
      const input = points(
        Array.from({ length: 1000 }, (_, i) => (i === 333 ? -50 : i === 777 ? 80 : Math.sin(i))),
      );
      const out = downsampleMinMax(input, 50);
      assert.ok(out.length <= 102);
      assert.strictEqual(out[0], input[0]);
      assert.strictEqual(out.at(-1), input.at(-1));
      assert.ok(out.includes(input[333]));
      assert.ok(out.includes(input[777]));
      for (let i = 1; i < out.length; i++) assert.ok(out[i].step > out[i - 1].step);
      assert.equal(new Set(out).size, out.length, 'no point twice');
    });

    it('returns small inputs as they are, and handles a single repeated step', () => {
      const small = points([1, 2, 3]);
      assert.deepEqual(downsampleMinMax(small, 10), small);
      const same = Array.from({ length: 500 }, (_, i) => ({ step: 7, value: i % 17, time: i }));
      const out = downsampleMinMax(same, 10);
      assert.ok(out.length <= 22 && out.length > 2);
      assert.equal(Math.max(...out.map((p) => p.value)), 16);
      assert.equal(Math.min(...out.map((p) => p.value)), 0);
    });
  });

  describe('metricStats', () => {
    const summary = { last: 0.5, min: 0.1, max: 2, count: 10, step: 9, time: 0 };

    it('prefers points when they are at least as many as the summary counted', () => {
      const series = new MetricSeries('loss');
      series.append(points([3, 2, 1, 'NaN' as unknown as number].map((v) => decodeValue(v) ?? 0)));
      const stats = metricStats(series, { ...summary, count: 4 });
      assert.equal(stats.source, 'points');
      assert.equal(stats.count, 4);
      assert.ok(Number.isNaN(stats.last));
      assert.equal(stats.min, 1);
      assert.equal(stats.max, 3);
      assert.deepEqual(stats.nonFinite, { nan: 1, posInf: 0, negInf: 0 });
    });

    it('falls back to the run document summary, decoding its strings', () => {
      const series = new MetricSeries('loss');
      series.append(points([1, 2]));
      const stats = metricStats(series, { ...summary, last: 'Infinity' });
      assert.equal(stats.source, 'summary');
      assert.equal(stats.count, 10);
      assert.equal(stats.last, Infinity);
      assert.equal(stats.lastStep, 9);
      assert.equal(stats.nonFinite, undefined);
      const empty = metricStats(undefined, undefined);
      assert.equal(empty.count, 0);
      assert.equal(empty.last, undefined);
    });

    it('has no min/max when no value was finite', () => {
      const series = new MetricSeries('x');
      series.append([{ step: 0, value: NaN, time: 0 }]);
      const stats = metricStats(series, undefined);
      assert.equal(stats.min, undefined);
      assert.equal(stats.max, undefined);
    });
  });
});
