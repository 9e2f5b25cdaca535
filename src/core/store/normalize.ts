import {
  RUN_STATUSES,
  type ArtifactRecord,
  type Capture,
  type DatasetRecord,
  type GitCapture,
  type MetricSummary,
  type ParamValue,
  type RunDocument,
  type StoredNumber,
} from './types';

/**
 * The one data model (docs/store-format.md, "How readers read a run"): whatever is on disk becomes a typed
 * RunDocument, or the reason it cannot be one. run.json is written by user code and other tools, so every field is
 * checked; a field of the wrong type is dropped or converted and reported as a problem, never thrown. The CLI, the
 * index and every view read documents through here only.
 *
 * Maps keyed by user-chosen names (params, tags, metrics, capture and every unknown object) are null-prototype
 * objects: a metric called `constructor` or `__proto__` is an ordinary key, and nothing is inherited.
 */
export interface FieldProblem {
  /** Where, as a path: `metrics.loss`, `datasets[2].digest`. */
  field: string;
  problem: string;
}

export type NormalizedRun =
  | { ok: true; doc: RunDocument; problems: FieldProblem[] }
  | { ok: false; reason: string; problems: FieldProblem[] };

/** Unknown values deeper than this are cut off (replaced by a note), so no reader recurses without bound. */
export const MAX_NESTING = 32;

export type Dict<T> = Record<string, T>;

/** An empty object that inherits nothing (see the module comment). */
export function dict<T>(): Dict<T> {
  return Object.create(null) as Dict<T>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses run.json text (a leading UTF-8 byte order mark is allowed) into a normalized document. */
export function normalizeRunText(text: string, id: string): NormalizedRun {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '')
    return { ok: false, reason: 'run.json is empty (a write was cut off)', problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(body); // V8's parser is not recursive: 100k-deep nesting parses
  } catch (error) {
    return { ok: false, reason: `run.json is not valid JSON: ${(error as Error).message}`, problems: [] };
  }
  return normalizeRunDocument(raw, id);
}

export function normalizeRunDocument(raw: unknown, id: string): NormalizedRun {
  const problems: FieldProblem[] = [];
  const fail = (reason: string): NormalizedRun => ({ ok: false, reason, problems });
  if (!isPlainObject(raw)) return fail('run.json does not hold a JSON object');
  if (raw.id !== id) {
    return fail(`run.json names run ${short(raw.id)}, but its folder is ${id}`);
  }
  if (typeof raw.status !== 'string' || !(RUN_STATUSES as readonly string[]).includes(raw.status)) {
    return fail(
      `run.json has an unknown status ${short(raw.status)} (expected one of ${RUN_STATUSES.join(', ')})`,
    );
  }
  if (typeof raw.startTime !== 'string' || raw.startTime === '') return fail('run.json has no startTime');

  const note = (field: string, problem: string) => problems.push({ field, problem });
  const doc = dict<unknown>() as RunDocument;
  // Unknown top-level fields first (tools add their own); the documented ones below overwrite same-named keys.
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key)) doc[key] = plain(raw[key], `${key}`, note);
  }
  doc.schema = 1;
  if (raw.schema !== undefined && raw.schema !== 1) note('schema', `is ${short(raw.schema)}, read as 1`);
  doc.id = id;
  doc.name = optionalString(raw.name, 'name', note) || id;
  doc.experiment = optionalString(raw.experiment, 'experiment', note) || 'default';
  doc.status = raw.status as RunDocument['status'];
  doc.startTime = raw.startTime;
  if (raw.endTime === null || typeof raw.endTime === 'string') doc.endTime = raw.endTime;
  else if (raw.endTime !== undefined) note('endTime', `is ${typeName(raw.endTime)}, not a time; ignored`);
  const heartbeat = optionalString(raw.heartbeatAt, 'heartbeatAt', note);
  if (heartbeat) doc.heartbeatAt = heartbeat;
  doc.params = params(raw.params, note);
  doc.tags = tags(raw.tags, note);
  doc.metrics = metrics(raw.metrics, note);
  doc.capture = capture(raw.capture, note);
  doc.datasets = list(raw.datasets, 'datasets', note, dataset);
  doc.artifacts = list(raw.artifacts, 'artifacts', note, artifact);
  doc.error = runError(raw.error, note);
  return { ok: true, doc, problems };
}

type Note = (field: string, problem: string) => void;

const KNOWN_FIELDS = new Set([
  'schema',
  'id',
  'name',
  'experiment',
  'status',
  'startTime',
  'endTime',
  'heartbeatAt',
  'params',
  'tags',
  'metrics',
  'capture',
  'datasets',
  'artifacts',
  'error',
]);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** A short, printable rendering of a value for a message (never the whole of a huge or deep value). */
function short(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return value === undefined ? 'missing' : typeName(value);
}

function optionalString(value: unknown, field: string, note: Note): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') {
    note(field, `is ${typeName(value)}; read as text`);
    return String(value);
  }
  note(field, `is ${typeName(value)}, not text; ignored`);
  return undefined;
}

function optionalNumber(value: unknown, field: string, note: Note): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  note(field, `is ${typeName(value)}, not a number; ignored`);
  return undefined;
}

function objectField(value: unknown, field: string, note: Note): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  if (value !== undefined && value !== null) note(field, `is ${typeName(value)}, not an object; ignored`);
  return {};
}

function list<T>(
  value: unknown,
  field: string,
  note: Note,
  item: (raw: Record<string, unknown>, field: string, note: Note) => T | undefined,
): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    note(field, `is ${typeName(value)}, not a list; ignored`);
    return [];
  }
  const items: T[] = [];
  value.forEach((raw: unknown, i) => {
    const where = `${field}[${i}]`;
    if (!isPlainObject(raw)) return note(where, `is ${typeName(raw)}, not an object; skipped`);
    const result = item(raw, where, note);
    if (result !== undefined) items.push(result);
  });
  return items;
}

/**
 * A JSON value copied with null-prototype objects, cut off below MAX_NESTING levels. Keeps unknown fields
 * displayable and safe to send to a webview (whose message passing recurses).
 */
export function plain(value: unknown, field: string, note: Note, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_NESTING) {
    note(field, `nests deeper than ${MAX_NESTING} levels; cut off`);
    return `[nested deeper than ${MAX_NESTING} levels]`;
  }
  if (Array.isArray(value)) return value.map((item, i) => plain(item, `${field}[${i}]`, note, depth + 1));
  const copy = dict<unknown>();
  for (const key of Object.keys(value)) {
    copy[key] = plain((value as Record<string, unknown>)[key], `${field}.${key}`, note, depth + 1);
  }
  return copy;
}

/** Compact JSON of a value, depth-limited; for showing an unexpected structure as text. */
export function jsonText(value: unknown): string {
  return JSON.stringify(plain(value, '', () => undefined, MAX_NESTING - 4)) ?? String(value);
}

function params(value: unknown, note: Note): Dict<ParamValue> {
  const result = dict<ParamValue>();
  const raw = objectField(value, 'params', note);
  for (const key of Object.keys(raw)) {
    const param = raw[key];
    if (param === null || ['string', 'number', 'boolean'].includes(typeof param)) {
      result[key] = param as ParamValue;
    } else {
      // A structured value (a list, a nested config) is shown as its JSON text rather than dropped.
      note(`params.${key}`, `is ${typeName(param)}; shown as JSON text`);
      result[key] = jsonText(param);
    }
  }
  return result;
}

function tags(value: unknown, note: Note): Dict<string> {
  const result = dict<string>();
  const raw = objectField(value, 'tags', note);
  for (const key of Object.keys(raw)) {
    const tag = optionalString(raw[key], `tags.${key}`, note);
    if (tag !== undefined) result[key] = tag;
  }
  return result;
}

function storedNumber(value: unknown): StoredNumber | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value;
  return undefined;
}

function metrics(value: unknown, note: Note): Dict<MetricSummary> {
  const result = dict<MetricSummary>();
  const raw = objectField(value, 'metrics', note);
  for (const key of Object.keys(raw)) {
    const field = `metrics.${key}`;
    const summary = raw[key];
    if (!isPlainObject(summary)) {
      note(field, `is ${typeName(summary)}, not a metric summary; skipped`);
      continue;
    }
    const last = storedNumber(summary.last);
    if (last === undefined) {
      note(`${field}.last`, `is ${short(summary.last)}, not a number; metric skipped`);
      continue;
    }
    const num = (name: 'min' | 'max'): StoredNumber => {
      const stored = storedNumber(summary[name]);
      if (stored === undefined)
        note(`${field}.${name}`, `is ${short(summary[name])}; read as the last value`);
      return stored ?? last;
    };
    const int = (name: 'count' | 'step' | 'time', fallback: number): number => {
      const raw = summary[name];
      if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
      note(`${field}.${name}`, `is ${short(raw)}, not a number; read as ${fallback}`);
      return fallback;
    };
    result[key] = {
      last,
      min: num('min'),
      max: num('max'),
      count: int('count', 1),
      step: int('step', 0),
      time: int('time', 0),
    };
  }
  return result;
}

const SOURCES = ['script', 'client', 'debug', 'notebook'];
const CAPTURE_STRINGS = ['cwd', 'host', 'user', 'platform', 'processStart', 'script', 'notebook'] as const;

function stringList(value: unknown, field: string, note: Note): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    note(field, 'is text, not a list; read as a list of one');
    return [value];
  }
  if (!Array.isArray(value)) {
    note(field, `is ${typeName(value)}, not a list; ignored`);
    return undefined;
  }
  return value.map((item: unknown, i) =>
    typeof item === 'string'
      ? item
      : (note(`${field}[${i}]`, `is ${typeName(item)}; read as text`),
        typeof item === 'object' && item !== null ? jsonText(item) : String(item)),
  );
}

function capture(value: unknown, note: Note): Capture {
  const raw = objectField(value, 'capture', note);
  const result = dict<unknown>() as Capture;
  for (const key of Object.keys(raw)) result[key] = plain(raw[key], `capture.${key}`, note, 1);
  delete result.source;
  if (raw.source !== undefined) {
    if (typeof raw.source === 'string' && SOURCES.includes(raw.source))
      result.source = raw.source as Capture['source'];
    else note('capture.source', `is ${short(raw.source)}, not one of ${SOURCES.join(', ')}; ignored`);
  }
  for (const key of ['command', 'args', 'packages'] as const) {
    const items = stringList(raw[key], `capture.${key}`, note);
    if (items) result[key] = items;
    else delete result[key];
  }
  for (const key of CAPTURE_STRINGS) {
    const text = optionalString(raw[key], `capture.${key}`, note);
    if (text !== undefined) result[key] = text;
    else if (raw[key] !== null) delete result[key];
  }
  const pid = optionalNumber(raw.pid, 'capture.pid', note);
  if (pid !== undefined && Number.isSafeInteger(pid)) result.pid = pid;
  else {
    if (pid !== undefined) note('capture.pid', `is ${pid}, not a whole number; ignored`);
    delete result.pid;
  }
  for (const key of ['exitCode', 'durationSec'] as const) {
    if (raw[key] === null) result[key] = null;
    else {
      const number = optionalNumber(raw[key], `capture.${key}`, note);
      if (number !== undefined) result[key] = number;
      else delete result[key];
    }
  }
  if (raw.python !== undefined) {
    const python = objectField(raw.python, 'capture.python', note);
    const copy = dict<string>();
    for (const key of ['executable', 'version', 'implementation'] as const) {
      const text = optionalString(python[key], `capture.python.${key}`, note);
      if (text !== undefined) copy[key] = text;
    }
    result.python = copy;
  }
  if (raw.git === null) result.git = null;
  else if (raw.git !== undefined) result.git = git(raw.git, note);
  return result;
}

function git(value: unknown, note: Note): GitCapture | null {
  if (!isPlainObject(value)) {
    note('capture.git', `is ${typeName(value)}, not an object; ignored`);
    return null;
  }
  const copy = plain(value, 'capture.git', note, 2) as Record<string, unknown>;
  const text = (key: string) => optionalString(value[key], `capture.git.${key}`, note) ?? null;
  const result: GitCapture & Record<string, unknown> = {
    ...copy,
    commit: text('commit'),
    branch: text('branch'),
    dirty: value.dirty === true,
    diffFile: text('diffFile'),
    remote: text('remote'),
  };
  if (value.dirty !== undefined && typeof value.dirty !== 'boolean')
    note('capture.git.dirty', `is ${short(value.dirty)}, not true or false; read as false`);
  return result;
}

function dataset(raw: Record<string, unknown>, field: string, note: Note): DatasetRecord {
  const text = (key: string) => optionalString(raw[key], `${field}.${key}`, note);
  const digest = text('digest');
  if (digest === undefined) note(`${field}.digest`, 'is missing');
  const role = raw.role === 'output' ? 'output' : 'input';
  if (raw.role !== undefined && raw.role !== 'input' && raw.role !== 'output')
    note(`${field}.role`, `is ${short(raw.role)}; read as input`);
  return {
    ...(plain(raw, field, note, 1) as Record<string, unknown>),
    name: text('name') ?? '',
    path: text('path') ?? '',
    role,
    digest: digest ?? '',
    size: optionalNumber(raw.size, `${field}.size`, note) ?? NaN,
    files: optionalNumber(raw.files, `${field}.files`, note) ?? NaN,
    loggedAt: text('loggedAt'),
  };
}

function artifact(raw: Record<string, unknown>, field: string, note: Note): ArtifactRecord | undefined {
  const path = optionalString(raw.path, `${field}.path`, note);
  if (!path) {
    note(`${field}.path`, 'is missing; artifact skipped');
    return undefined;
  }
  return {
    ...(plain(raw, field, note, 1) as Record<string, unknown>),
    path,
    source: optionalString(raw.source, `${field}.source`, note),
    size: optionalNumber(raw.size, `${field}.size`, note) ?? NaN,
    sha256: optionalString(raw.sha256, `${field}.sha256`, note),
    loggedAt: optionalString(raw.loggedAt, `${field}.loggedAt`, note),
  };
}

function runError(value: unknown, note: Note): RunDocument['error'] {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return { type: 'Error', message: value };
  if (!isPlainObject(value)) {
    note('error', `is ${typeName(value)}, not an object; ignored`);
    return null;
  }
  const error: NonNullable<RunDocument['error']> = {
    type: optionalString(value.type, 'error.type', note) ?? 'Error',
    message: optionalString(value.message, 'error.message', note) ?? '',
  };
  const traceback = optionalString(value.traceback, 'error.traceback', note);
  if (traceback !== undefined) error.traceback = traceback;
  return error;
}
