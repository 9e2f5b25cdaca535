// The details webview's model and the reducer that applies the extension's messages to it. Pure logic (no DOM),
// unit-tested in Node. The model is mutated in place (a metric can hold many thousands of points, copying them per
// message would be wasteful); each message returns a ModelChange that tells the view what to redraw.
import type { PointTuple, RunDetailsView, ToDetailsWebview } from '../contract';
import type {
  ArtifactRecord,
  DatasetRecord,
  MetricSummary,
  ParamValue,
  RunDocument,
} from '../../src/core/store/types';
import { OutputTail } from './outputTail';
import { decodePoint, MetricSeries, type ChartPoint } from './series';

export interface DetailsModel {
  view: RunDetailsView | undefined;
  series: Map<string, MetricSeries>;
  output: OutputTail;
  outputTruncated: boolean;
  /** Point tuples that could not be decoded (skipped). */
  malformedPoints: number;
}

export type ModelChange =
  /** Everything changed (setRun): redraw all. */
  | { kind: 'reset' }
  /** The run document changed. */
  | { kind: 'run'; newMetrics: string[] }
  /** Points arrived for `metrics`; `newMetrics` had none before. */
  | { kind: 'points'; metrics: string[]; newMetrics: string[] }
  | { kind: 'output' }
  /** Nothing to do: an unknown or malformed message, or a live update before the first setRun. */
  | { kind: 'none'; reason: string };

export function createModel(): DetailsModel {
  return {
    view: undefined,
    series: new Map(),
    output: new OutputTail(),
    outputTruncated: false,
    malformedPoints: 0,
  };
}

export function applyMessage(model: DetailsModel, message: unknown): ModelChange {
  if (!isRecord(message) || typeof message.type !== 'string')
    return { kind: 'none', reason: 'not a message' };
  const m = message as Partial<ToDetailsWebview> & Record<string, unknown>;
  switch (m.type) {
    case 'setRun': {
      const view = sanitizeView(m.view);
      if (!view) return { kind: 'none', reason: 'setRun without a valid run' };
      model.view = view;
      model.series = new Map();
      model.malformedPoints = 0;
      appendPoints(model, m.points);
      model.output.reset(typeof m.output === 'string' ? m.output : '');
      model.outputTruncated = m.outputTruncated === true;
      return { kind: 'reset' };
    }
    case 'updateRun': {
      if (!model.view) return { kind: 'none', reason: 'updateRun before setRun' };
      const view = sanitizeView(m.view);
      if (!view) return { kind: 'none', reason: 'updateRun without a valid run' };
      const known = new Set(metricNames(model));
      model.view = view;
      return { kind: 'run', newMetrics: metricNames(model).filter((name) => !known.has(name)) };
    }
    case 'appendPoints': {
      if (!model.view) return { kind: 'none', reason: 'appendPoints before setRun' };
      const known = new Set(metricNames(model));
      const metrics = appendPoints(model, m.points);
      if (metrics.length === 0) return { kind: 'none', reason: 'no points' };
      return { kind: 'points', metrics, newMetrics: metrics.filter((name) => !known.has(name)) };
    }
    case 'appendOutput': {
      if (!model.view) return { kind: 'none', reason: 'appendOutput before setRun' };
      if (typeof m.text !== 'string' || m.text === '') return { kind: 'none', reason: 'no text' };
      model.output.append(m.text);
      return { kind: 'output' };
    }
    default:
      return { kind: 'none', reason: `unknown message type ${String(m.type)}` };
  }
}

/** Decodes and appends points; returns the metrics that received any. */
function appendPoints(model: DetailsModel, points: unknown): string[] {
  if (!isRecord(points)) return [];
  const touched: string[] = [];
  for (const [name, tuples] of Object.entries(points)) {
    if (!Array.isArray(tuples) || tuples.length === 0) continue;
    const decoded: ChartPoint[] = [];
    for (const tuple of tuples as PointTuple[]) {
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

// --- Sanitizing: run.json is written by user code and other tools; render only what has the documented shape. ---

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function sanitizeView(value: unknown): RunDetailsView | undefined {
  if (!isRecord(value)) return undefined;
  const run = sanitizeRun(value.run);
  if (!run) return undefined;
  return {
    run,
    duration: str(value.duration),
    primaryMetric: typeof value.primaryMetric === 'string' ? value.primaryMetric : undefined,
  };
}

/** A copy of a run document with every field of the documented type (wrong entries dropped), or undefined. */
export function sanitizeRun(value: unknown): RunDocument | undefined {
  if (!isRecord(value) || typeof value.id !== 'string' || value.id === '') return undefined;
  const params: Record<string, ParamValue> = {};
  for (const [key, param] of Object.entries(isRecord(value.params) ? value.params : {})) {
    params[key] =
      param === null || ['string', 'number', 'boolean'].includes(typeof param)
        ? (param as ParamValue)
        : safeJson(param);
  }
  const tags: Record<string, string> = {};
  for (const [key, tag] of Object.entries(isRecord(value.tags) ? value.tags : {})) {
    tags[key] = typeof tag === 'string' ? tag : safeJson(tag);
  }
  const metrics: Record<string, MetricSummary> = {};
  for (const [key, summary] of Object.entries(isRecord(value.metrics) ? value.metrics : {})) {
    if (isRecord(summary)) metrics[key] = summary as unknown as MetricSummary;
  }
  const datasets: DatasetRecord[] = (Array.isArray(value.datasets) ? value.datasets : [])
    .filter(isRecord)
    .map((d) => ({
      name: str(d.name),
      path: str(d.path),
      role: d.role === 'output' ? 'output' : 'input',
      digest: str(d.digest),
      size: num(d.size) ?? NaN,
      files: num(d.files) ?? NaN,
      loggedAt: str(d.loggedAt) || undefined,
    }));
  const artifacts: ArtifactRecord[] = (Array.isArray(value.artifacts) ? value.artifacts : [])
    .filter(isRecord)
    .filter((a) => typeof a.path === 'string' && a.path !== '')
    .map((a) => ({
      path: str(a.path),
      source: str(a.source) || undefined,
      size: num(a.size) ?? NaN,
      sha256: str(a.sha256) || undefined,
      loggedAt: str(a.loggedAt) || undefined,
    }));
  const error = isRecord(value.error)
    ? {
        type: str(value.error.type, 'Error'),
        message: str(value.error.message),
        traceback: str(value.error.traceback) || undefined,
      }
    : null;
  return {
    ...value,
    schema: 1,
    id: value.id,
    name: str(value.name) || value.id,
    experiment: str(value.experiment),
    status: str(value.status, 'finished') as RunDocument['status'],
    startTime: str(value.startTime),
    endTime: typeof value.endTime === 'string' ? value.endTime : null,
    heartbeatAt: str(value.heartbeatAt) || undefined,
    params,
    tags,
    metrics,
    capture: isRecord(value.capture) ? value.capture : {},
    datasets,
    artifacts,
    error,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
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
