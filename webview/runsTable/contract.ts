// The runs table page (Runlog: Open Runs Table): every run as a row. The extension sends the runs (a slim form of
// each run document, enough for columns and the query language); sorting, filtering, grouping and the column
// chooser happen in the webview. Actions go back as the same commands the Runs view runs.
import type { RunDocument } from '../../src/core/store/types';
import { isObject, isRunId, isRunIdList } from '../shared/validate';

/** What the table needs of a run: a RunDocument without outputs, datasets, artifacts or most of the capture. */
export type TableRun = RunDocument;

export type ToRunsTableWebview =
  /** Every run, on `ready` and when the store changes wholesale. */
  | { type: 'setRuns'; runs: TableRun[]; primaryMetric: string }
  /** Runs added or changed, and ids removed. */
  | { type: 'updateRuns'; runs: TableRun[]; removed: string[] };

/** Commands the table may run; each receives (runId, runIds) like a Runs view selection. */
export const RUNS_TABLE_COMMANDS = [
  'runlog.showRunDetails',
  'runlog.compareRuns',
  'runlog.tagRun',
  'runlog.starRun',
  'runlog.unstarRun',
] as const;
export type RunsTableCommand = (typeof RUNS_TABLE_COMMANDS)[number];

export type FromRunsTableWebview =
  { type: 'ready' } | { type: 'runCommand'; command: RunsTableCommand; args: [string, string[]] };

export function isFromRunsTableWebview(message: unknown): message is FromRunsTableWebview {
  if (!isObject(message)) return false;
  switch (message.type) {
    case 'ready':
      return true;
    case 'runCommand': {
      const args = message.args;
      return (
        RUNS_TABLE_COMMANDS.includes(message.command as RunsTableCommand) &&
        Array.isArray(args) &&
        args.length === 2 &&
        isRunId(args[0]) &&
        isRunIdList(args[1])
      );
    }
    default:
      return false;
  }
}

function isTableRun(value: unknown): value is TableRun {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.name === 'string' &&
    typeof value.experiment === 'string' &&
    typeof value.status === 'string' &&
    typeof value.startTime === 'string' &&
    isObject(value.params) &&
    isObject(value.tags) &&
    isObject(value.metrics) &&
    isObject(value.capture)
  );
}

export function parseToRunsTableWebview(message: unknown): ToRunsTableWebview | undefined {
  if (!isObject(message)) return undefined;
  if (message.type === 'setRuns') {
    if (!Array.isArray(message.runs) || typeof message.primaryMetric !== 'string') return undefined;
    return { type: 'setRuns', runs: message.runs.filter(isTableRun), primaryMetric: message.primaryMetric };
  }
  if (message.type === 'updateRuns') {
    if (!Array.isArray(message.runs) || !Array.isArray(message.removed)) return undefined;
    return {
      type: 'updateRuns',
      runs: message.runs.filter(isTableRun),
      removed: message.removed.filter((id): id is string => typeof id === 'string'),
    };
  }
  return undefined;
}

/** The slim run the table receives: no datasets, artifacts or error traceback; capture only what columns use. */
export function toTableRun(doc: RunDocument): TableRun {
  const capture = doc.capture ?? {};
  return {
    schema: 1,
    id: doc.id,
    name: doc.name,
    experiment: doc.experiment,
    status: doc.status,
    startTime: doc.startTime,
    endTime: doc.endTime ?? null,
    heartbeatAt: doc.heartbeatAt,
    params: doc.params,
    tags: doc.tags,
    metrics: doc.metrics,
    capture: { source: capture.source, git: capture.git ?? null, durationSec: capture.durationSec ?? null },
    datasets: [],
    artifacts: [],
  };
}
