// The Compare panel (2 to N runs): params, metrics against a baseline, one chart per metric, parallel
// coordinates, data and code. The extension prepares everything in the core (src/core/compare) and sends it;
// the webview asks for another baseline, x axis or zoomed range, and for exports it cannot write itself.
import type { Comparison, MetricChart, XAxis } from '../../src/core/compare';
import { X_AXES } from '../../src/core/compare/downsample';
import { isFiniteNumber, isObject, isRunId, isShortString } from '../shared/validate';

export interface NotebookCellChange {
  cellId: string;
  /** Unified diff of the cell's last source in the two runs. */
  diff: string;
}

export interface CompareState {
  comparison: Comparison;
  axis: XAxis;
  /** Settings problems or unreadable lines, shown above the tables. */
  problems: string[];
  /** Whether runlog.compareDatasetVersions exists (another feature may not be installed). */
  canDiffDatasets: boolean;
  /** Cells whose source changed between the first two notebook runs, when both are notebook runs. */
  cells?: NotebookCellChange[];
}

export type ToCompareWebview =
  | { type: 'setComparison'; state: CompareState }
  /** New points of running runs, or the full-resolution data of a zoomed range (`range` set). */
  | { type: 'updateCharts'; charts: MetricChart[]; range?: [number, number] | null }
  /** The result of an export the webview asked for. */
  | { type: 'exported'; ok: boolean; message: string };

export const COMPARE_COMMANDS = [
  'runlog.showRunDetails',
  'runlog.compareDatasetVersions',
  'runlog.promoteRun',
] as const;
export type CompareCommand = (typeof COMPARE_COMMANDS)[number];

export type ExportFormat = 'png' | 'svg' | 'csv';
export const MAX_EXPORT_CHARS = 30_000_000;

export type FromCompareWebview =
  | { type: 'ready' }
  | { type: 'setBaseline'; runId: string }
  | { type: 'setAxis'; axis: XAxis }
  /** Full resolution of [lo, hi] for one metric; null range: back to the whole series. */
  | { type: 'zoom'; metric: string; range: [number, number] | null }
  | { type: 'export'; format: ExportFormat; name: string; data: string }
  | { type: 'openScriptDiff'; runA: string; runB: string }
  | { type: 'runCommand'; command: CompareCommand; args: string[] };

const EXPORT_PREFIX: Record<ExportFormat, (data: string) => boolean> = {
  png: (data) => data.startsWith('data:image/png;base64,'),
  svg: (data) => /^\s*<svg[\s>]/.test(data),
  csv: () => true,
};

export function isFromCompareWebview(message: unknown): message is FromCompareWebview {
  if (!isObject(message)) return false;
  const m = message;
  switch (m.type) {
    case 'ready':
      return true;
    case 'setBaseline':
      return isRunId(m.runId);
    case 'setAxis':
      return X_AXES.includes(m.axis as XAxis);
    case 'zoom':
      return (
        isShortString(m.metric, 500) &&
        (m.range === null ||
          (Array.isArray(m.range) &&
            m.range.length === 2 &&
            isFiniteNumber(m.range[0]) &&
            isFiniteNumber(m.range[1]) &&
            m.range[0] <= m.range[1]))
      );
    case 'export': {
      const format = m.format as ExportFormat;
      return (
        Object.hasOwn(EXPORT_PREFIX, format) &&
        typeof m.name === 'string' &&
        /^[\w .,()+=-]{1,120}$/.test(m.name) &&
        typeof m.data === 'string' &&
        m.data.length <= MAX_EXPORT_CHARS &&
        EXPORT_PREFIX[format](m.data)
      );
    }
    case 'openScriptDiff':
      return isRunId(m.runA) && isRunId(m.runB);
    case 'runCommand':
      return (
        COMPARE_COMMANDS.includes(m.command as CompareCommand) &&
        Array.isArray(m.args) &&
        m.args.length <= 2 &&
        m.args.every((a) => isShortString(a, 300))
      );
    default:
      return false;
  }
}

export function parseToCompareWebview(message: unknown): ToCompareWebview | undefined {
  if (!isObject(message)) return undefined;
  switch (message.type) {
    case 'setComparison': {
      const state = message.state;
      if (!isObject(state) || !isObject(state.comparison) || !X_AXES.includes(state.axis as XAxis))
        return undefined;
      const c = state.comparison;
      if (![c.runs, c.params, c.metrics, c.charts].every(Array.isArray)) return undefined;
      return message as ToCompareWebview;
    }
    case 'updateCharts':
      return Array.isArray(message.charts) ? (message as ToCompareWebview) : undefined;
    case 'exported':
      return typeof message.ok === 'boolean' && typeof message.message === 'string'
        ? (message as ToCompareWebview)
        : undefined;
    default:
      return undefined;
  }
}
