import type { RunDocument } from '../store/types';
import { decodeNumber } from '../store/values';
import { QueryError } from './errors';

// The fields a query can read, and how each is read from a run. Every lookup into run data goes through
// `own()`, so `params.__proto__` or `tags.constructor` read the run's own keys (usually absent), never
// Object.prototype.

export type FieldValue = string | number | boolean | null | undefined;

const METRIC_STATS = ['last', 'min', 'max', 'count', 'step'] as const;
type MetricStat = (typeof METRIC_STATS)[number];

const SCALARS = [
  'status',
  'name',
  'experiment',
  'id',
  'duration',
  'source',
  'starred',
  'start',
  'end',
] as const;
const GIT_FIELDS = ['dirty', 'branch', 'commit', 'remote'] as const;
const MAPS = ['metrics', 'params', 'tags'] as const;

export const FIELD_HELP =
  'metrics.<name>[.min|.max|.last|.count], params.<name>, tags.<name>, status, name, experiment, id, duration, ' +
  'start, end, git.dirty, git.branch, git.commit, source, starred';

/** The tag that marks a run as starred (a star is a tag, so it shows and filters everywhere tags do). */
export const STAR_TAG = 'starred';

/** Checks a path names a field; throws a QueryError pointing at it otherwise. */
export function checkField(segments: string[], position: number, text: string): void {
  const [root, ...rest] = segments;
  if ((MAPS as readonly string[]).includes(root)) {
    if (rest.length === 0 || rest.some((s) => s === '')) {
      throw new QueryError(
        `"${root}" needs a name, e.g. ${root}.${root === 'tags' ? 'stage' : 'lr'}`,
        position,
      );
    }
    return;
  }
  if (root === 'git') {
    if (rest.length !== 1 || !(GIT_FIELDS as readonly string[]).includes(rest[0])) {
      throw new QueryError(
        `Unknown field "${text}": git has ${GIT_FIELDS.map((f) => `git.${f}`).join(', ')}`,
        position,
      );
    }
    return;
  }
  if ((SCALARS as readonly string[]).includes(root) && rest.length === 0) return;
  const hint = segments.length === 1 ? ` (if you meant the text ${root}, put it in quotes: "${root}")` : '';
  throw new QueryError(
    `Unknown field "${text}" at column ${position + 1}${hint}. Fields: ${FIELD_HELP}`,
    position,
  );
}

function own<T>(record: unknown, key: string): T | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(record, key);
  return descriptor && 'value' in descriptor ? (descriptor.value as T) : undefined;
}

function scalar(value: unknown): FieldValue {
  if (value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  return undefined;
}

/** The value of a checked field for one run; undefined when the run does not have it. */
export function readField(run: RunDocument, segments: string[], now: number): FieldValue {
  const [root, ...rest] = segments;
  switch (root) {
    case 'metrics':
      return readMetric(run, rest);
    case 'params':
      return scalar(own(run.params, rest.join('.')));
    case 'tags':
      return scalar(own(run.tags, rest.join('.')));
    case 'git':
      return scalar(own(run.capture?.git ?? undefined, rest[0]));
    case 'source':
      return scalar(own(run.capture, 'source'));
    case 'starred':
      return isStarred(run);
    case 'duration':
      return durationSeconds(run, now);
    case 'start':
      return scalar(run.startTime);
    case 'end':
      return scalar(run.endTime ?? undefined);
    case 'status':
    case 'name':
    case 'experiment':
    case 'id':
      return scalar(own(run, root));
    default:
      return undefined;
  }
}

export function isStarred(run: RunDocument): boolean {
  const value = own<unknown>(run.tags, STAR_TAG);
  return typeof value === 'string' && value !== '' && value.toLowerCase() !== 'false';
}

function readMetric(run: RunDocument, rest: string[]): FieldValue {
  // A metric's own name may hold dots (`val.loss`): the whole rest is tried as a name first, then the
  // rest minus a trailing statistic.
  const whole = own<Record<string, unknown>>(run.metrics, rest.join('.'));
  if (whole) return decodeNumber(own(whole, 'last'));
  const stat = rest[rest.length - 1] as MetricStat;
  if (rest.length < 2 || !METRIC_STATS.includes(stat)) return undefined;
  const summary = own<Record<string, unknown>>(run.metrics, rest.slice(0, -1).join('.'));
  if (!summary) return undefined;
  return decodeNumber(own(summary, stat));
}

/** Seconds from start to end (or to now for a run still going); capture.durationSec when recorded. */
export function durationSeconds(run: RunDocument, now: number): number | undefined {
  const recorded = own<unknown>(run.capture, 'durationSec');
  if (typeof recorded === 'number' && Number.isFinite(recorded)) return recorded;
  const start = Date.parse(run.startTime);
  if (Number.isNaN(start)) return undefined;
  const end = run.endTime ? Date.parse(run.endTime) : run.status === 'running' ? now : NaN;
  return Number.isNaN(end) ? undefined : Math.max(0, (end - start) / 1000);
}
