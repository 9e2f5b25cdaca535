// The details webview's model and the reducer that applies the extension's messages to it. Pure logic (no DOM),
// unit-tested in Node. The model is mutated in place (a metric can hold many thousands of points, copying them per
// message would be wasteful); each message returns a ModelChange that tells the view what to redraw.
import { parseToDetailsWebview, type PointTuple, type PromotionEntry, type RunDetailsView } from './contract';
import type { CellTimeline } from '../../src/core/notebooks/timeline';
import type { RunDocument } from '../../src/core/store/types';
import { OutputTail } from './outputTail';
import { decodePoint, MetricSeries, type ChartPoint } from './series';

export interface DetailsModel {
  view: RunDetailsView | undefined;
  series: Map<string, MetricSeries>;
  output: OutputTail;
  outputTruncated: boolean;
  /** Point tuples that could not be decoded (skipped). */
  malformedPoints: number;
  /** A notebook run's cell timeline. */
  cells: CellTimeline | undefined;
  /** The run's promotions from the audit log (undefined until the extension sent them). */
  promotions: PromotionEntry[] | undefined;
}

export type ModelChange =
  /** Everything changed (setRun): redraw all. */
  | { kind: 'reset' }
  /** The run document changed. */
  | { kind: 'run'; newMetrics: string[] }
  /** Points arrived for `metrics`; `newMetrics` had none before. */
  | { kind: 'points'; metrics: string[]; newMetrics: string[] }
  | { kind: 'output' }
  | { kind: 'cells' }
  | { kind: 'promotions' }
  /** Nothing to do: an unknown or malformed message, or a live update before the first setRun. */
  | { kind: 'none'; reason: string };

export function createModel(): DetailsModel {
  return {
    view: undefined,
    series: new Map(),
    output: new OutputTail(),
    outputTruncated: false,
    malformedPoints: 0,
    cells: undefined,
    promotions: undefined,
  };
}

/** Applies one message from the extension (checked against the page contract first; anything else is ignored). */
export function applyMessage(model: DetailsModel, raw: unknown): ModelChange {
  const message = parseToDetailsWebview(raw);
  if (!message) return { kind: 'none', reason: 'not a message of the details contract' };
  switch (message.type) {
    case 'setRun': {
      model.view = message.view;
      model.series = new Map();
      model.malformedPoints = 0;
      model.cells = undefined;
      appendPoints(model, message.points);
      model.output.reset(message.output);
      model.outputTruncated = message.outputTruncated;
      return { kind: 'reset' };
    }
    case 'patchRun': {
      if (!model.view) return { kind: 'none', reason: 'patchRun before setRun' };
      const known = new Set(metricNames(model));
      const run = { ...model.view.run, ...message.changed } as Record<string, unknown>;
      for (const key of message.removed) delete run[key];
      model.view = {
        run: run as RunDocument,
        duration: message.duration,
        primaryMetric: message.primaryMetric,
      };
      return { kind: 'run', newMetrics: metricNames(model).filter((name) => !known.has(name)) };
    }
    case 'appendPoints': {
      if (!model.view) return { kind: 'none', reason: 'appendPoints before setRun' };
      const known = new Set(metricNames(model));
      const metrics = appendPoints(model, message.points);
      if (metrics.length === 0) return { kind: 'none', reason: 'no points' };
      return { kind: 'points', metrics, newMetrics: metrics.filter((name) => !known.has(name)) };
    }
    case 'appendOutput': {
      if (!model.view) return { kind: 'none', reason: 'appendOutput before setRun' };
      if (message.text === '') return { kind: 'none', reason: 'no text' };
      model.output.append(message.text);
      return { kind: 'output' };
    }
    case 'setCells': {
      if (!model.view) return { kind: 'none', reason: 'setCells before setRun' };
      model.cells = message.timeline;
      return { kind: 'cells' };
    }
    case 'setPromotions': {
      if (!model.view) return { kind: 'none', reason: 'setPromotions before setRun' };
      model.promotions = message.promotions;
      return { kind: 'promotions' };
    }
  }
}

/** Decodes and appends points; returns the metrics that received any. */
function appendPoints(model: DetailsModel, points: Record<string, PointTuple[]>): string[] {
  const touched: string[] = [];
  for (const [name, tuples] of Object.entries(points)) {
    if (tuples.length === 0) continue;
    const decoded: ChartPoint[] = [];
    for (const tuple of tuples) {
      const point = decodePoint(tuple);
      if (point) decoded.push(point);
      else model.malformedPoints++;
    }
    if (decoded.length === 0) continue;
    let series = model.series.get(name);
    if (!series) model.series.set(name, (series = new MetricSeries(name)));
    series.append(decoded);
    touched.push(name);
  }
  return touched;
}

/** Metric names in display order: the primary metric, then the document's order, then metrics only seen as points. */
export function metricNames(model: DetailsModel): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (name: string | undefined) => {
    if (name === undefined || seen.has(name)) return;
    seen.add(name);
    names.push(name);
  };
  const view = model.view;
  if (view?.primaryMetric && (view.run.metrics[view.primaryMetric] || model.series.has(view.primaryMetric))) {
    add(view.primaryMetric);
  }
  for (const name of Object.keys(view?.run.metrics ?? {})) add(name);
  for (const name of model.series.keys()) add(name);
  return names;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `path` may be sent in an `openFile` message: relative, inside the run folder (no `..` segment, no drive
 * or scheme). The extension checks again; this only avoids offering links that it would refuse.
 */
export function isRunRelativePath(path: unknown): path is string {
  if (typeof path !== 'string' || path === '' || path.length >= 4096) return false;
  if (path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path) || path.includes('\0'))
    return false;
  return !path.split(/[\\/]/).includes('..');
}
