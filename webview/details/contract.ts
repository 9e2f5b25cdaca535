// The Run details page's message contract, imported by the extension (src/extension/runs/detailsPanel.ts) and by
// the page. The extension sends run documents already normalized by the core (normalizeRunDocument), so the page
// checks only the shape of each message; the extension validates everything the page sends.
import type { CellTimeline } from '../../src/core/notebooks/timeline';
import type { PromotionEntry } from '../../src/core/promote/runPromotions';
import type { RunDocument, RunStatus } from '../../src/core/store/types';
import { COMMANDS } from '../../src/extension/commandIds';

/** [step, value, unix seconds]; value may be the strings "NaN", "Infinity", "-Infinity". */
export type PointTuple = [number, number | string, number];

export interface RunDetailsView {
  run: RunDocument;
  /** Human-readable duration so both sides agree. */
  duration: string;
  primaryMetric: string | undefined;
}

export type ToDetailsWebview =
  /** Everything, on open and when the webview (re)loads. */
  | {
      type: 'setRun';
      view: RunDetailsView;
      points: Record<string, PointTuple[]>;
      output: string;
      outputTruncated: boolean;
    }
  /**
   * What changed in the run document since the last message (top-level fields; `removed` lists fields that are
   * gone), with the recomputed duration and the primary metric (a setting the user may change at any time).
   */
  | {
      type: 'patchRun';
      changed: Partial<RunDocument>;
      removed: string[];
      duration: string;
      primaryMetric: string | undefined;
    }
  /** Points appended to metrics.jsonl since the last message. */
  | { type: 'appendPoints'; points: Record<string, PointTuple[]> }
  /** Text appended to output.log since the last message. */
  | { type: 'appendOutput'; text: string }
  /** A notebook run's cell timeline (sent again when cells run). */
  | { type: 'setCells'; timeline: CellTimeline }
  /** The run's promotions from the audit log, newest first (sent on load and again when the log grows). */
  | { type: 'setPromotions'; promotions: PromotionEntry[] };

/** Commands the details page may ask for; each is the same command the palette and the Runs view run. */
export const DETAILS_COMMANDS = [
  COMMANDS.renameRun,
  COMMANDS.tagRun,
  COMMANDS.openRunOutput,
  COMMANDS.revealRun,
  COMMANDS.stopRun,
  COMMANDS.deleteRun,
  COMMANDS.rerunWithArguments,
  COMMANDS.promoteRun,
  COMMANDS.compareRuns,
  COMMANDS.retryPipeline,
] as const;
export type DetailsCommand = (typeof DETAILS_COMMANDS)[number];

export type FromDetailsWebview =
  | { type: 'ready' }
  /** `promotionId` goes with (only) runlog.retryPipeline: which of this run's promotions to retry. */
  | { type: 'runCommand'; command: DetailsCommand; promotionId?: string }
  /** Copy a promotion's digest to the clipboard. */
  | { type: 'copyDigest'; digest: string }
  | { type: 'openFile'; relativePath: string }
  /** Open this (notebook) run's notebook at the cell with this index. */
  | { type: 'openNotebookCell'; index: number };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Extension side: is this a message the details page may send? */
export function isFromDetailsWebview(message: unknown): message is FromDetailsWebview {
  if (!isRecord(message)) return false;
  switch (message.type) {
    case 'ready':
      return true;
    case 'runCommand':
      if (!DETAILS_COMMANDS.includes(message.command as DetailsCommand)) return false;
      return message.command === COMMANDS.retryPipeline
        ? isPromotionId(message.promotionId)
        : message.promotionId === undefined;
    case 'copyDigest':
      return isDigest(message.digest);
    case 'openNotebookCell':
      return Number.isSafeInteger(message.index) && (message.index as number) >= 0;
    case 'openFile':
      return (
        typeof message.relativePath === 'string' &&
        message.relativePath.length > 0 &&
        message.relativePath.length < 4096
      );
    default:
      return false;
  }
}

/** An audit id (a UUID; anything short and plain is accepted, the extension looks it up). */
export function isPromotionId(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]{1,100}$/.test(value);
}

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,256}$/.test(value);
}

const PROMOTION_ACTIONS = ['promote', 'rollback', 'override'];
const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

/** The shape of one promotion as the page reads it (the extension built it from the audit log). */
export function isPromotionEntry(value: unknown): value is PromotionEntry {
  if (!isRecord(value)) return false;
  const pipeline = value.pipeline;
  return (
    isPromotionId(value.id) &&
    typeof value.at === 'string' &&
    typeof value.user === 'string' &&
    PROMOTION_ACTIONS.includes(value.action as string) &&
    typeof value.repository === 'string' &&
    typeof value.outcome === 'string' &&
    typeof value.canRetry === 'boolean' &&
    [value.target, value.version, value.alias, value.reference, value.error].every(optionalString) &&
    (value.digest === undefined || isDigest(value.digest)) &&
    Array.isArray(value.gates) &&
    value.gates.every(
      (g) =>
        isRecord(g) &&
        typeof g.expression === 'string' &&
        typeof g.ok === 'boolean' &&
        Array.isArray(g.details) &&
        g.details.every((d) => typeof d === 'string'),
    ) &&
    (pipeline === undefined ||
      (isRecord(pipeline) &&
        typeof pipeline.type === 'string' &&
        typeof pipeline.ok === 'boolean' &&
        typeof pipeline.status === 'string' &&
        typeof pipeline.message === 'string' &&
        typeof pipeline.at === 'string' &&
        typeof pipeline.runs === 'number' &&
        optionalString(pipeline.url)))
  );
}

function isView(value: unknown): value is RunDetailsView {
  return (
    isRecord(value) &&
    isRecord(value.run) &&
    typeof value.run.id === 'string' &&
    typeof value.duration === 'string' &&
    (value.primaryMetric === undefined || typeof value.primaryMetric === 'string')
  );
}

const isPoints = (value: unknown): value is Record<string, PointTuple[]> =>
  isRecord(value) && Object.values(value).every(Array.isArray);

/** Webview side: the message as the contract types it, or undefined for anything else. */
export function parseToDetailsWebview(message: unknown): ToDetailsWebview | undefined {
  if (!isRecord(message)) return undefined;
  switch (message.type) {
    case 'setRun':
      return isView(message.view) &&
        isPoints(message.points) &&
        typeof message.output === 'string' &&
        typeof message.outputTruncated === 'boolean'
        ? (message as ToDetailsWebview)
        : undefined;
    case 'patchRun':
      return isRecord(message.changed) &&
        Array.isArray(message.removed) &&
        message.removed.every((key) => typeof key === 'string') &&
        typeof message.duration === 'string' &&
        (message.primaryMetric === undefined || typeof message.primaryMetric === 'string')
        ? (message as ToDetailsWebview)
        : undefined;
    case 'appendPoints':
      return isPoints(message.points) ? (message as ToDetailsWebview) : undefined;
    case 'appendOutput':
      return typeof message.text === 'string' ? (message as ToDetailsWebview) : undefined;
    case 'setCells':
      return isRecord(message.timeline) &&
        typeof message.timeline.notebook === 'string' &&
        Array.isArray(message.timeline.entries)
        ? (message as ToDetailsWebview)
        : undefined;
    case 'setPromotions':
      return Array.isArray(message.promotions) && message.promotions.every(isPromotionEntry)
        ? (message as ToDetailsWebview)
        : undefined;
    default:
      return undefined;
  }
}

export type { PromotionEntry, RunStatus };
