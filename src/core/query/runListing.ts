import { goalOf, type Goal } from '../compare/goals';
import type { RunEntry } from '../store/types';
import { decodeNumber } from '../store/values';
import type { Query } from './ast';
import { evaluateQuery } from './evaluate';

// What the Runs view lists: runs filtered by a query, sorted, grouped by experiment, each group paged. Pure, so
// 10,000 runs arrange in a few milliseconds and the view builds only the nodes it shows.

export type RunSort = 'start' | 'name' | 'metric';
export const RUN_SORTS: readonly RunSort[] = ['start', 'name', 'metric'];

export interface ListingOptions {
  filter?: Query;
  sort?: RunSort;
  /** The metric for sort 'metric' (`runlog.primaryMetric`); when empty, the first metric of the newest run. */
  metric?: string;
  goals?: ReadonlyMap<string, Goal>;
  now?: number;
}

export interface RunGroup {
  experiment: string;
  entries: RunEntry[];
}

export interface RunListing {
  groups: RunGroup[];
  /** Runs that passed the filter, and all runs. */
  shown: number;
  total: number;
  /** The metric runs were sorted by (sort 'metric'), and its goal. */
  metric?: string;
  goal?: Goal;
}

export const UNREADABLE_GROUP = 'Unreadable runs';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function experimentOf(entry: RunEntry): string {
  return entry.kind === 'run' ? entry.doc.experiment : UNREADABLE_GROUP;
}

/**
 * Arranges index entries (newest first, as RunIndex.list() gives them). Groups keep the order of their newest
 * shown run; within a group, runs follow the sort. A filter hides unreadable runs (nothing can be read from them).
 */
export function arrangeRuns(entries: readonly RunEntry[], options: ListingOptions = {}): RunListing {
  const now = options.now ?? Date.now();
  const filter = options.filter;
  const shown = filter
    ? entries.filter((entry) => entry.kind === 'run' && evaluateQuery(filter, entry.doc, { now }))
    : entries.slice();
  let metric: string | undefined;
  let goal: Goal | undefined;
  const sort = options.sort ?? 'start';
  if (sort === 'name') {
    shown.sort((a, b) => collator.compare(nameOf(a), nameOf(b)));
  } else if (sort === 'metric') {
    metric = options.metric || firstMetric(shown);
    if (metric) {
      goal = goalOf(metric, options.goals ?? new Map()).goal;
      const key = metric;
      const sign = goal === 'min' ? 1 : -1;
      // Best first; runs without the metric (or with NaN) after, newest first among them (sort is stable).
      const value = (entry: RunEntry) => {
        if (entry.kind !== 'run' || !Object.hasOwn(entry.doc.metrics, key)) return undefined;
        const v = decodeNumber(entry.doc.metrics[key].last);
        return v === undefined || Number.isNaN(v) ? undefined : v;
      };
      const keyed = shown.map((entry) => ({ entry, v: value(entry) }));
      keyed.sort((a, b) => {
        if (a.v === undefined || b.v === undefined)
          return a.v === undefined ? (b.v === undefined ? 0 : 1) : -1;
        return a.v === b.v ? 0 : (a.v < b.v ? -1 : 1) * sign;
      });
      shown.splice(0, shown.length, ...keyed.map((k) => k.entry));
    }
  }
  const groups = new Map<string, RunEntry[]>();
  for (const entry of shown) {
    const name = experimentOf(entry);
    let group = groups.get(name);
    if (!group) groups.set(name, (group = []));
    group.push(entry);
  }
  // Groups in the order of their newest run, whatever the sort inside them.
  const order = new Map<string, number>();
  entries.forEach((entry, i) => {
    const name = experimentOf(entry);
    if (!order.has(name)) order.set(name, i);
  });
  const sorted = [...groups]
    .sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0))
    .map(([experiment, list]) => ({ experiment, entries: list }));
  return { groups: sorted, shown: shown.length, total: entries.length, metric, goal };
}

function nameOf(entry: RunEntry): string {
  return entry.kind === 'run' ? entry.doc.name : entry.id;
}

function firstMetric(entries: readonly RunEntry[]): string | undefined {
  for (const entry of entries) {
    if (entry.kind !== 'run') continue;
    const first = Object.keys(entry.doc.metrics)[0];
    if (first) return first;
  }
  return undefined;
}

/** The first `limit` runs of a group and how many are left for "Show more…". */
export function page<T>(items: readonly T[], limit: number): { items: T[]; remaining: number } {
  const n = Math.max(0, Math.min(items.length, limit));
  return { items: items.slice(0, n), remaining: items.length - n };
}
