import type { RunDocument } from '../store/types';
import { sampleSeries, type SampledSeries, type XAxis } from './downsample';
import type { Goal } from './goals';
import { goalOf } from './goals';
import { compareMetrics, type MetricRow } from './metricsTable';
import { compareParams, type ParamRow } from './paramsTable';
import type { SeriesColumns } from './seriesColumns';

// Everything the Compare panel shows, computed from run documents and their metric series. Pure and fast:
// reading the series is done beforehand (RunSeries); this only scans columns.

export interface ComparedRun {
  id: string;
  name: string;
  experiment: string;
  status: RunDocument['status'];
  startTime: string;
  source?: string;
  /** The tracked script (absolute path) and its notebook, when recorded. */
  script?: string;
  notebook?: string;
  git?: { commit: string | null; branch: string | null; dirty: boolean };
  datasets: { name: string; role: string; digest: string; path: string }[];
}

export interface ChartSeries extends SampledSeries {
  runId: string;
}

export interface MetricChart {
  name: string;
  goal: Goal;
  series: ChartSeries[];
}

export interface Comparison {
  runs: ComparedRun[];
  baseline: number;
  params: ParamRow[];
  metrics: MetricRow[];
  charts: MetricChart[];
}

/** Looks up the series of one metric of one run (undefined when it has no points). */
export type SeriesLookup = (runId: string, metric: string) => SeriesColumns | undefined;

export interface ComparisonOptions {
  baseline?: number;
  goals?: ReadonlyMap<string, Goal>;
  axis?: XAxis;
  maxPoints?: number;
}

export function describeRun(run: RunDocument): ComparedRun {
  const capture = run.capture ?? {};
  const git = capture.git ?? undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    id: run.id,
    name: run.name,
    experiment: run.experiment,
    status: run.status,
    startTime: run.startTime,
    source: text(capture.source),
    script: text(capture.script),
    notebook: text(capture.notebook),
    git: git
      ? { commit: git.commit ?? null, branch: git.branch ?? null, dirty: git.dirty === true }
      : undefined,
    datasets: (run.datasets ?? []).map((d) => ({
      name: d.name,
      role: d.role,
      digest: d.digest,
      path: d.path,
    })),
  };
}

/** Unix seconds of a run's start: the origin of the relative-time axis. */
export function runOrigin(run: RunDocument): number | undefined {
  const ms = Date.parse(run.startTime);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

export function chartMetric(
  runs: readonly RunDocument[],
  metric: string,
  lookup: SeriesLookup,
  options: ComparisonOptions & { range?: readonly [number, number] } = {},
): MetricChart {
  const axis = options.axis ?? 'step';
  const series: ChartSeries[] = [];
  for (const run of runs) {
    const columns = lookup(run.id, metric);
    if (!columns || columns.length === 0) continue;
    const sampled = sampleSeries(columns, {
      axis,
      origin: runOrigin(run),
      range: options.range,
      maxPoints: options.maxPoints,
    });
    series.push({ runId: run.id, ...sampled });
  }
  return { name: metric, goal: goalOf(metric, options.goals ?? new Map()).goal, series };
}

export function prepareComparison(
  runs: readonly RunDocument[],
  lookup: SeriesLookup,
  options: ComparisonOptions = {},
): Comparison {
  const baseline = Math.min(Math.max(0, options.baseline ?? 0), Math.max(0, runs.length - 1));
  const goals = options.goals ?? new Map<string, Goal>();
  const metrics = compareMetrics(runs, baseline, goals);
  // Metrics seen only as points (not yet in a summary) still get a chart.
  const names = metrics.map((m) => m.name);
  return {
    runs: runs.map(describeRun),
    baseline,
    params: compareParams(runs),
    metrics,
    charts: names.map((name) => chartMetric(runs, name, lookup, { ...options, goals })),
  };
}
