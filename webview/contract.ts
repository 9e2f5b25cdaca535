// The one message contract between the extension and its webviews. Both sides import this file, so every message
// is type-checked at both ends. The extension validates everything that comes from a webview (isFromDetailsWebview).
import type { RunDocument, RunStatus } from '../src/core/store/types';

/** [step, value, unix seconds]; value may be NaN or ±Infinity (sent as null/strings are decoded by the webview). */
export type PointTuple = [number, number | string, number];

export interface RunDetailsView {
  run: RunDocument;
  /** Human-readable duration so both sides agree. */
  duration: string;
  primaryMetric: string | undefined;
}

export type ToDetailsWebview =
  /** Everything, on open and when the webview reloads. */
  | {
      type: 'setRun';
      view: RunDetailsView;
      points: Record<string, PointTuple[]>;
      output: string;
      outputTruncated: boolean;
    }
  /** The run document changed (status, summaries, params…). */
  | { type: 'updateRun'; view: RunDetailsView }
  /** Points appended to metrics.jsonl since the last message. */
  | { type: 'appendPoints'; points: Record<string, PointTuple[]> }
  /** Text appended to output.log since the last message. */
  | { type: 'appendOutput'; text: string };

/** Commands a details webview may ask for; each is the same command the palette and the Runs view run. */
export const DETAILS_COMMANDS = [
  'runlog.renameRun',
  'runlog.tagRun',
  'runlog.openRunOutput',
  'runlog.revealRun',
  'runlog.stopRun',
  'runlog.deleteRun',
] as const;
export type DetailsCommand = (typeof DETAILS_COMMANDS)[number];

export type FromDetailsWebview =
  | { type: 'ready' }
  | { type: 'runCommand'; command: DetailsCommand }
  | { type: 'openFile'; relativePath: string };

export function isFromDetailsWebview(message: unknown): message is FromDetailsWebview {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'runCommand':
      return DETAILS_COMMANDS.includes(m.command as DetailsCommand);
    case 'openFile':
      return typeof m.relativePath === 'string' && m.relativePath.length > 0 && m.relativePath.length < 4096;
    default:
      return false;
  }
}

export type { RunStatus };
