// Formatting shared by the views, the status bar and the CLI, so a run reads the same everywhere.
import type { MetricSummary, RunDocument } from './store/types';
import { decodeNumber } from './store/values';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${Math.round(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${minutes % 60}m`;
}

/** Seconds from start to end, or to `now` while the run is running. */
export function runDuration(doc: RunDocument, now = Date.now()): number {
  const start = Date.parse(doc.startTime);
  const end = doc.endTime
    ? Date.parse(doc.endTime)
    : doc.status === 'running'
      ? now
      : Date.parse(doc.heartbeatAt ?? '');
  return Number.isFinite(end) ? (end - start) / 1000 : NaN;
}

export function formatValue(value: unknown): string {
  const number = decodeNumber(value);
  if (number === undefined) return String(value);
  if (!Number.isFinite(number)) return String(number);
  if (Number.isInteger(number)) return String(number);
  const abs = Math.abs(number);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6)
    ? number.toExponential(3)
    : String(Number(number.toPrecision(4)));
}

/** The metric a run is judged by: the configured one if the run has it, else the first it logged. */
export function primaryMetric(doc: RunDocument, configured: string): [string, MetricSummary] | undefined {
  if (configured && doc.metrics[configured]) return [configured, doc.metrics[configured]];
  const first = Object.entries(doc.metrics)[0];
  return first;
}
