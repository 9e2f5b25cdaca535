import type { FieldProblem } from './normalize';

// Types of the run store, as documented in docs/store-format.md (the JSON Schema is docs/run.schema.json).

export const RUN_STATUSES = ['running', 'finished', 'failed', 'interrupted', 'crashed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A metric value as stored: a finite number, or one of the strings JSON needs for the rest. */
export type StoredNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface MetricSummary {
  last: StoredNumber;
  min: StoredNumber;
  max: StoredNumber;
  count: number;
  step: number;
  time: number;
}

export interface GitCapture {
  commit: string | null;
  branch: string | null;
  dirty: boolean;
  diffFile: string | null;
  remote: string | null;
}

export interface Capture {
  source?: 'script' | 'client' | 'debug' | 'notebook';
  /** The user's command as run (`["python", "train.py", "--lr", "0.3"]`). */
  command?: string[];
  /** Absolute path of the script `python -m runlog run` ran; absent for client-only runs. */
  script?: string;
  /** The script's arguments. */
  args?: string[];
  cwd?: string;
  pid?: number;
  host?: string;
  /** Linux: `"<boot_id>:<start ticks>"` of the writing process, to verify `pid` before Stop (processIdentity.ts). */
  processStart?: string;
  user?: string;
  platform?: string;
  python?: { executable?: string; version?: string; implementation?: string };
  packages?: string[];
  git?: GitCapture | null;
  exitCode?: number | null;
  durationSec?: number | null;
  [extra: string]: unknown;
}

export interface DatasetRecord {
  name: string;
  path: string;
  role: 'train' | 'eval' | 'test' | 'input' | 'output';
  digest: string;
  size: number;
  files: number;
  loggedAt?: string;
  [extra: string]: unknown;
}

export interface ArtifactRecord {
  path: string;
  source?: string;
  size: number;
  sha256?: string;
  loggedAt?: string;
  /** Set by log_model(path, name=…, flavor=…): the artifact is a model (docs/promote.md). */
  model?: { name: string; flavor?: string };
  [extra: string]: unknown;
}

export type ParamValue = string | number | boolean | null;

export interface RunDocument {
  schema: 1;
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  startTime: string;
  endTime?: string | null;
  heartbeatAt?: string;
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  metrics: Record<string, MetricSummary>;
  capture: Capture;
  datasets: DatasetRecord[];
  artifacts: ArtifactRecord[];
  error?: { type: string; message: string; traceback?: string } | null;
  [extra: string]: unknown;
}

/** One point of metrics.jsonl, with the stored value decoded. */
export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  time: number;
}

/** What the index holds for each run folder: the document, or why it could not be read. */
export type RunEntry =
  | {
      kind: 'run';
      id: string;
      dir: string;
      /** Normalized (normalize.ts), with the liveness rule applied (liveness.ts). */
      doc: RunDocument;
      /** Fields of run.json that were dropped or converted while reading it; absent when there were none. */
      problems?: FieldProblem[];
      /** Set when run.json says `running` but the liveness rule found it dead: why (shown as crashed). */
      crash?: string;
    }
  | { kind: 'unreadable'; id: string; dir: string; reason: string };

export type ReadableRun = RunEntry & { kind: 'run' };

/** A run whose document says it is running (a crashed one is marked so by the index). */
export function isRunning(entry: RunEntry | undefined): entry is ReadableRun {
  return entry?.kind === 'run' && entry.doc.status === 'running';
}
