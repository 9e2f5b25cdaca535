import type { SeriesColumns } from './seriesColumns';

// What a chart is sent of one series: every finite point of the visible x range when they are few, else a
// min/max-preserving downsample: the range is cut into equal-width buckets and each keeps its lowest and highest
// point (in x order), so spikes and dips survive at any zoom and the line keeps its envelope.

export type XAxis = 'step' | 'time' | 'relative';
export const X_AXES: readonly XAxis[] = ['step', 'time', 'relative'];

/** At most this many points per series are sent to a chart. */
export const MAX_POINTS_PER_SERIES = 2000;

export interface SampledSeries {
  x: number[];
  y: number[];
  /** Finite points in the range before downsampling. */
  total: number;
  /** Points whose value is NaN or infinite (never charted). */
  nonFinite: number;
  sampled: boolean;
}

export interface SampleOptions {
  axis: XAxis;
  /** For the relative axis: the time (unix seconds) that is 0. */
  origin?: number;
  /** Inclusive x range to sample; the whole series without it. */
  range?: readonly [number, number];
  maxPoints?: number;
}

export function sampleSeries(columns: SeriesColumns, options: SampleOptions): SampledSeries {
  const maxPoints = Math.max(4, Math.floor(options.maxPoints ?? MAX_POINTS_PER_SERIES));
  const byTime = options.axis !== 'step';
  const xs = byTime ? columns.time : columns.step;
  const shift =
    options.axis === 'relative' ? (options.origin ?? (columns.length > 0 ? columns.time[0] : 0)) : 0;
  const values = columns.value;
  const n = columns.length;
  const sorted = byTime ? columns.timeSorted : columns.stepSorted;
  const lo = options.range ? options.range[0] + shift : -Infinity;
  const hi = options.range ? options.range[1] + shift : Infinity;

  if (!sorted) return sampleUnsorted(xs, values, n, lo, hi, shift, maxPoints);

  // x never decreases: the range is an index range found by bisection, its ends are its extremes, and one pass
  // over it does everything (10 runs × 1,000,000 points stay well under the 200 ms goal).
  const from = options.range ? lowerBound(xs, n, lo) : 0;
  const to = options.range ? upperBound(xs, n, hi) : n;
  const x: number[] = [];
  const y: number[] = [];
  let total = 0;
  let nonFinite = 0;
  if (to - from <= maxPoints) {
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v - v !== 0) {
        nonFinite++; // NaN or ±Infinity
        continue;
      }
      total++;
      x.push(xs[i] - shift);
      y.push(v);
    }
    return { x, y, total, nonFinite, sampled: false };
  }
  let firstAt = from;
  while (firstAt < to && values[firstAt] - values[firstAt] !== 0) firstAt++;
  let lastAt = to - 1;
  while (lastAt > firstAt && values[lastAt] - values[lastAt] !== 0) lastAt--;
  const buckets = bucketCount(maxPoints);
  const minAt = new Int32Array(buckets).fill(-1);
  const maxAt = new Int32Array(buckets).fill(-1);
  const xMin = xs[firstAt];
  const span = xs[lastAt] - xMin;
  const scale = span > 0 ? buckets / span : 0;
  const count = to - from;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v - v !== 0) {
      nonFinite++;
      continue;
    }
    total++;
    let b = span > 0 ? ((xs[i] - xMin) * scale) | 0 : (((i - from) * buckets) / count) | 0;
    if (b >= buckets) b = buckets - 1;
    const a = minAt[b];
    if (a < 0) {
      minAt[b] = i;
      maxAt[b] = i;
    } else if (v < values[a]) minAt[b] = i;
    else if (v > values[maxAt[b]]) maxAt[b] = i;
  }
  if (total === 0) return { x, y, total, nonFinite, sampled: false };
  emitBuckets(xs, values, minAt, maxAt, firstAt, lastAt, shift, x, y);
  return { x, y, total, nonFinite, sampled: true };
}

/** Two points per bucket, plus the first and the last so the line spans the whole range. */
function bucketCount(maxPoints: number): number {
  return Math.max(1, Math.floor((maxPoints - 2) / 2));
}

function emitBuckets(
  xs: Float64Array,
  values: Float64Array,
  minAt: Int32Array,
  maxAt: Int32Array,
  firstAt: number,
  lastAt: number,
  shift: number,
  x: number[],
  y: number[],
): void {
  const picked: number[] = [firstAt];
  const pick = (i: number) => {
    if (picked[picked.length - 1] !== i) picked.push(i);
  };
  for (let b = 0; b < minAt.length; b++) {
    const a = minAt[b];
    if (a < 0) continue;
    const c = maxAt[b];
    // Within a bucket, the two points go in x order so the line runs left to right.
    const inOrder = xs[a] < xs[c] || (xs[a] === xs[c] && a <= c);
    pick(inOrder ? a : c);
    pick(inOrder ? c : a);
  }
  pick(lastAt);
  for (const i of picked) {
    x.push(xs[i] - shift);
    y.push(values[i]);
  }
}

/** Series whose x goes back and forth (a restarted step counter): two passes, points emitted in x order. */
function sampleUnsorted(
  xs: Float64Array,
  values: Float64Array,
  n: number,
  lo: number,
  hi: number,
  shift: number,
  maxPoints: number,
): SampledSeries {
  let total = 0;
  let nonFinite = 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  let firstAt = -1;
  let lastAt = -1;
  for (let i = 0; i < n; i++) {
    const xi = xs[i];
    if (xi < lo || xi > hi) continue;
    const v = values[i];
    if (v - v !== 0) {
      nonFinite++;
      continue;
    }
    total++;
    if (xi < xMin) {
      xMin = xi;
      firstAt = i;
    }
    if (xi >= xMax) {
      xMax = xi;
      lastAt = i;
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  if (total <= maxPoints) {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => xs[a] - xs[b] || a - b);
    for (const i of order) {
      const xi = xs[i];
      const v = values[i];
      if (xi < lo || xi > hi || v - v !== 0) continue;
      x.push(xi - shift);
      y.push(v);
    }
    return { x, y, total, nonFinite, sampled: false };
  }
  const buckets = bucketCount(maxPoints);
  const minAt = new Int32Array(buckets).fill(-1);
  const maxAt = new Int32Array(buckets).fill(-1);
  const span = xMax - xMin;
  const scale = span > 0 ? buckets / span : 0;
  let seen = 0;
  for (let i = 0; i < n; i++) {
    const xi = xs[i];
    if (xi < lo || xi > hi) continue;
    const v = values[i];
    if (v - v !== 0) continue;
    let b = span > 0 ? ((xi - xMin) * scale) | 0 : ((seen * buckets) / total) | 0;
    seen++;
    if (b >= buckets) b = buckets - 1;
    const a = minAt[b];
    if (a < 0) {
      minAt[b] = i;
      maxAt[b] = i;
    } else if (v < values[a]) minAt[b] = i;
    else if (v > values[maxAt[b]]) maxAt[b] = i;
  }
  emitBuckets(xs, values, minAt, maxAt, firstAt, lastAt, shift, x, y);
  return { x, y, total, nonFinite, sampled: true };
}

function lowerBound(xs: Float64Array, n: number, target: number): number {
  let a = 0;
  let b = n;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (xs[m] < target) a = m + 1;
    else b = m;
  }
  return a;
}

function upperBound(xs: Float64Array, n: number, target: number): number {
  let a = 0;
  let b = n;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (xs[m] <= target) a = m + 1;
    else b = m;
  }
  return a;
}
