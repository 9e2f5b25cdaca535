// Metric points on the webview side: decoding the wire format, per-metric statistics, and the (possibly
// downsampled) series a chart displays. Pure logic, no DOM, unit-tested in Node.
import type { MetricSummary } from '../../src/core/store/types';
import { decodeNumber } from '../../src/core/store/values';
import { formatCount } from '../shared/format';

export interface ChartPoint {
  step: number;
  /** May be NaN or ±Infinity in statistics; a chart only ever receives finite values. */
  value: number;
  /** Unix seconds, NaN when unknown. */
  time: number;
}

/**
 * Decodes a metric value as it may arrive: a number, the store's strings "NaN" / "Infinity" / "-Infinity" (also
 * accepted in other spellings: "nan", "inf", "-inf"), or null (what JSON makes of NaN). Anything else: undefined.
 */
export function decodeValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === null) return NaN;
  if (typeof value !== 'string') return undefined;
  switch (value.trim().toLowerCase()) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default: {
      const number = value.trim() === '' ? NaN : Number(value);
      return Number.isFinite(number) ? number : undefined;
    }
  }
}

/**
 * Decodes one `[step, value, time]` PointTuple, checked (the extension forwards what metrics.jsonl holds): undefined
 * when it is malformed (it is then skipped and counted).
 */
export function decodePoint(tuple: unknown): ChartPoint | undefined {
  if (!Array.isArray(tuple) || tuple.length < 2) return undefined;
  const [step, raw, time] = tuple as unknown[];
  if (typeof step !== 'number' || !Number.isFinite(step)) return undefined;
  const value = decodeValue(raw);
  if (value === undefined) return undefined;
  return { step, value, time: typeof time === 'number' && Number.isFinite(time) ? time : NaN };
}

/** A series is displayed as is up to this many points; past it, it is downsampled (see MetricSeries). */
export const MAX_DISPLAY_POINTS = 5000;
/** Buckets of a downsampled series: at most two points each (plus the first and last), so ≤ 2,502 points. */
export const DOWNSAMPLE_BUCKETS = 1250;

/**
 * Min/max-preserving downsampling of points sorted by step: the step range is cut into `buckets` equal-width
 * buckets and each keeps its lowest and its highest point (in step order), so spikes and dips survive and the line
 * keeps its envelope; the first and last points are always kept so the x range does not shrink. Returns the input
 * (copied) when it already has ≤ 2 × buckets points.
 */
export function downsampleMinMax(points: readonly ChartPoint[], buckets: number): ChartPoint[] {
  const n = points.length;
  if (n <= buckets * 2 || buckets < 1) return points.slice();
  const first = points[0];
  const last = points[n - 1];
  const span = last.step - first.step;
  const out: ChartPoint[] = [first];
  let bucket = -1;
  let lo = 0;
  let hi = 0;
  const flush = () => {
    if (bucket < 0) return;
    const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
    if (a !== 0) out.push(points[a]);
    if (b !== a && b !== 0) out.push(points[b]);
  };
  for (let i = 0; i < n; i++) {
    const p = points[i];
    // Equal-width buckets over steps; when every step is the same, equal-count buckets over indices.
    const b =
      span > 0
        ? Math.min(buckets - 1, Math.floor(((p.step - first.step) / span) * buckets))
        : Math.floor((i * buckets) / n);
    if (b !== bucket) {
      flush();
      bucket = b;
      lo = hi = i;
    } else {
      if (p.value < points[lo].value) lo = i;
      if (p.value > points[hi].value) hi = i;
    }
  }
  flush();
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

export interface NonFiniteCounts {
  nan: number;
  posInf: number;
  negInf: number;
}

/**
 * Everything received for one metric. `display` is what the chart shows: all finite points while there are at most
 * MAX_DISPLAY_POINTS of them; past that the finite points are downsampled (downsampleMinMax) to ~2,500, and new
 * points are appended raw until the display again exceeds the limit, when it is rebuilt. Rebuilding is O(n) and
 * happens at most once per ~2,500 new points; every rebuild bumps `epoch` so the chart replaces its data instead of
 * appending. Within one epoch `display` only grows at the end, so a chart can insert `display.slice(synced)`.
 */
export class MetricSeries {
  /** Finite points, in arrival order until the first downsampling, sorted by step after it. */
  private readonly finite: ChartPoint[] = [];
  private finiteSorted = true;
  private displaySorted = true;
  display: ChartPoint[] = [];
  epoch = 0;
  count = 0;
  /** The latest point received (may be non-finite). */
  last: ChartPoint | undefined;
  /** Extent of the finite values and of their steps. */
  min = Infinity;
  max = -Infinity;
  minStep = Infinity;
  maxStep = -Infinity;
  readonly nonFinite: NonFiniteCounts = { nan: 0, posInf: 0, negInf: 0 };

  constructor(
    readonly name: string,
    private readonly maxDisplay = MAX_DISPLAY_POINTS,
    private readonly buckets = DOWNSAMPLE_BUCKETS,
  ) {}

  get finiteCount(): number {
    return this.finite.length;
  }

  get nonFiniteCount(): number {
    return this.nonFinite.nan + this.nonFinite.posInf + this.nonFinite.negInf;
  }

  get downsampled(): boolean {
    return this.display.length < this.finite.length;
  }

  /** Adds points in the order they were logged. Returns how many were finite (i.e. reach the chart). */
  append(points: readonly ChartPoint[]): number {
    let added = 0;
    for (const point of points) {
      this.count++;
      this.last = point;
      const { value } = point;
      if (!Number.isFinite(value)) {
        if (Number.isNaN(value)) this.nonFinite.nan++;
        else if (value > 0) this.nonFinite.posInf++;
        else this.nonFinite.negInf++;
        continue;
      }
      if (point.step < this.minStep) this.minStep = point.step;
      if (point.step > this.maxStep) this.maxStep = point.step;
      if (value < this.min) this.min = value;
      if (value > this.max) this.max = value;
      const previous = this.finite[this.finite.length - 1];
      if (previous && point.step < previous.step) this.finiteSorted = false;
      const lastShown = this.display[this.display.length - 1];
      if (lastShown && point.step < lastShown.step) this.displaySorted = false;
      this.finite.push(point);
      this.display.push(point);
      added++;
    }
    if (this.display.length > this.maxDisplay) this.rebuildDisplay();
    return added;
  }

  private rebuildDisplay(): void {
    if (!this.finiteSorted) {
      this.finite.sort((a, b) => a.step - b.step);
      this.finiteSorted = true;
    }
    this.display = downsampleMinMax(this.finite, this.buckets);
    this.displaySorted = true;
    this.epoch++;
  }

  /** The displayed point nearest to `step` (what the chart's hover shows). */
  nearest(step: number): ChartPoint | undefined {
    const points = this.display;
    if (points.length === 0 || !Number.isFinite(step)) return undefined;
    if (!this.displaySorted) {
      let best = points[0];
      for (const p of points) if (Math.abs(p.step - step) < Math.abs(best.step - step)) best = p;
      return best;
    }
    let lo = 0;
    let hi = points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid].step < step) lo = mid + 1;
      else hi = mid;
    }
    const after = points[lo];
    const before = points[lo - 1];
    return before && Math.abs(before.step - step) <= Math.abs(after.step - step) ? before : after;
  }
}

/** "2 NaN, 1 +Infinity not plotted", or '' when every value was finite. */
export function nonFiniteNote(counts: NonFiniteCounts): string {
  const parts: string[] = [];
  if (counts.nan) parts.push(`${formatCount(counts.nan)} NaN`);
  if (counts.posInf) parts.push(`${formatCount(counts.posInf)} +Infinity`);
  if (counts.negInf) parts.push(`${formatCount(counts.negInf)} −Infinity`);
  return parts.length ? `${parts.join(', ')} not plotted` : '';
}

export interface MetricStats {
  last: number | undefined;
  lastStep: number | undefined;
  min: number | undefined;
  max: number | undefined;
  count: number;
  /** Known only from points; undefined when the stats come from the run document's summary. */
  nonFinite: NonFiniteCounts | undefined;
  source: 'points' | 'summary';
}

/**
 * The numbers a metric card shows. Points are fresher than the run document (they arrive before the writer
 * rewrites run.json) so they win, unless the document has counted more points than were received (the host may
 * send only a recent part of a long series): then the document's summary is shown.
 */
export function metricStats(
  series: MetricSeries | undefined,
  summary: MetricSummary | undefined,
): MetricStats {
  const summaryCount = summary && typeof summary.count === 'number' ? summary.count : 0;
  if (series && series.count > 0 && series.count >= summaryCount) {
    return {
      last: series.last?.value,
      lastStep: series.last?.step,
      min: series.finiteCount > 0 ? series.min : undefined,
      max: series.finiteCount > 0 ? series.max : undefined,
      count: series.count,
      nonFinite: { ...series.nonFinite },
      source: 'points',
    };
  }
  return {
    last: decodeNumber(summary?.last),
    lastStep: typeof summary?.step === 'number' ? summary.step : undefined,
    min: decodeNumber(summary?.min),
    max: decodeNumber(summary?.max),
    count: summaryCount,
    nonFinite: undefined,
    source: 'summary',
  };
}
