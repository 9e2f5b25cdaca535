import { crc32 } from 'node:zlib';
import type { ColumnProfile } from './types';

// The same statistics, limits and sketches as the Python client's profiler (src/python/runlog/_tabular.py,
// class Column), so a profile means the same whichever side computed it. The client profiles CSV, TSV and JSON
// Lines; this side profiles only what the stdlib-only client cannot read: Parquet.
export const SAMPLE_TARGET = 8192;
export const CATEGORY_CAP = 2000;
export const TOP_CATEGORIES = 50;
export const KMV_K = 2048;
export const QUANTILES = 101;

/** Streaming statistics of one column, fed in batches of present (non-null) values. */
export class ColumnStats {
  count = 0;
  nulls = 0;
  kind: 'number' | 'string' | 'boolean' | undefined;
  integer = true;
  private lo: number | undefined;
  private hi: number | undefined;
  private total = 0;
  private sample: number[] = [];
  private stride = 1;
  private skip = 0;
  private counts: Map<string, number> | undefined = new Map();
  private kmv: Set<number> | undefined;
  private kmvBound = 2 ** 32;

  constructor(readonly name: string) {}

  addNumbers(values: number[]): void {
    if (values.length === 0) return;
    for (const v of values) {
      if (this.lo === undefined || v < this.lo) this.lo = v;
      if (this.hi === undefined || v > this.hi) this.hi = v;
      this.total += v;
      if (this.integer && !Number.isInteger(v)) this.integer = false;
    }
    for (let i = this.skip; i < values.length; i += this.stride) this.sample.push(values[i]);
    this.skip = (((this.skip - values.length) % this.stride) + this.stride) % this.stride;
    while (this.sample.length > 2 * SAMPLE_TARGET) {
      if (this.sample.length % 2) this.skip += this.stride;
      this.sample = this.sample.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  dropNumbers(): void {
    this.lo = this.hi = undefined;
    this.total = 0;
    this.sample = [];
  }

  /** The values as text: category counts while few, else a k-minimum-values distinct sketch (of CRC-32s; the client uses Python's hash, the same estimator). */
  addKeys(keys: string[]): void {
    if (this.counts) {
      for (const k of keys) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
      if (this.counts.size <= CATEGORY_CAP) return;
      keys = [...this.counts.keys()];
      this.counts = undefined;
      this.kmv = new Set();
    }
    const kmv = this.kmv!;
    for (const k of new Set(keys)) {
      const h = crc32(k);
      if (h < this.kmvBound) kmv.add(h);
    }
    if (kmv.size > 2 * KMV_K) {
      const kept = [...kmv].sort((a, b) => a - b).slice(0, KMV_K);
      this.kmv = new Set(kept);
      this.kmvBound = kept[kept.length - 1] + 1;
    }
  }

  result(): ColumnProfile {
    const out: ColumnProfile = {
      name: this.name,
      type: this.kind ?? 'empty',
      count: this.count,
      nulls: this.nulls,
      distinct: 0,
      distinctExact: true,
    };
    if (this.counts) out.distinct = this.counts.size;
    else if (this.kmv!.size < KMV_K) out.distinct = this.kmv!.size;
    else {
      const kth = [...this.kmv!].sort((a, b) => a - b)[KMV_K - 1];
      out.distinct = Math.round((KMV_K - 1) / ((kth + 1) / 2 ** 32));
      out.distinctExact = false;
    }
    if (this.kind === 'number' && this.count > 0) {
      out.integer = this.integer;
      out.min = this.lo;
      out.max = this.hi;
      out.mean = this.total / this.count;
      out.quantiles = quantiles(this.sample.sort((a, b) => a - b));
      out.sampled = this.stride > 1;
    }
    if (this.counts) {
      const top = [...this.counts.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, TOP_CATEGORIES);
      out.top = top;
      out.otherCount = this.count - top.reduce((s, [, n]) => s + n, 0);
    }
    return out;
  }
}

/** The 0th..100th percentiles of sorted values, interpolated linearly (as the client computes them). */
export function quantiles(sorted: number[]): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  return Array.from({ length: QUANTILES }, (_, i) => {
    const pos = (i * (n - 1)) / (QUANTILES - 1);
    const j = Math.floor(pos);
    const frac = pos - j;
    return frac === 0 || j + 1 >= n ? sorted[j] : sorted[j] + (sorted[j + 1] - sorted[j]) * frac;
  });
}
