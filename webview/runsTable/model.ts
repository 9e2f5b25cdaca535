// The runs table's model: columns, cell values, multi-column sort, query filter, "only columns that differ",
// grouping by experiment. Pure (no DOM), unit-tested in Node.
import { durationSeconds, evaluateQuery, isStarred, type Query } from '../../src/core/query';
import type { RunDocument } from '../../src/core/store/types';
import { decodeNumber } from '../../src/core/store/values';

export type MetricStat = 'last' | 'min' | 'max';
export const METRIC_STATS: readonly MetricStat[] = ['last', 'min', 'max'];

export type ColumnKind =
  'star' | 'status' | 'name' | 'experiment' | 'start' | 'duration' | 'tags' | 'param' | 'metric';

export interface Column {
  /** Unique: the kind for fixed columns, `param:<name>` / `metric:<name>` for the rest. */
  id: string;
  kind: ColumnKind;
  key?: string;
  label: string;
}

export type CellValue = string | number | boolean | null | undefined;

export interface SortKey {
  column: string;
  desc: boolean;
}

export const FIXED_COLUMNS: readonly Column[] = [
  { id: 'star', kind: 'star', label: '★' },
  { id: 'status', kind: 'status', label: 'Status' },
  { id: 'name', kind: 'name', label: 'Name' },
  { id: 'experiment', kind: 'experiment', label: 'Experiment' },
  { id: 'start', kind: 'start', label: 'Start' },
  { id: 'duration', kind: 'duration', label: 'Duration' },
  { id: 'tags', kind: 'tags', label: 'Tags' },
];

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Fixed columns, then every param, then every metric any run has (each group in natural name order). */
export function allColumns(runs: readonly RunDocument[]): Column[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const run of runs) {
    for (const key of Object.keys(run.params)) params.add(key);
    for (const key of Object.keys(run.metrics)) metrics.add(key);
  }
  return [
    ...FIXED_COLUMNS,
    // Metrics before params: they answer "which run is best", so they are in view without scrolling sideways.
    ...[...metrics]
      .sort(collator.compare)
      .map((key): Column => ({ id: `metric:${key}`, kind: 'metric', key, label: key })),
    ...[...params]
      .sort(collator.compare)
      .map((key): Column => ({ id: `param:${key}`, kind: 'param', key, label: key })),
  ];
}

export function tagsOf(run: RunDocument): string {
  return Object.entries(run.tags)
    .filter(([key, value]) => key !== 'starred' && value !== '')
    .map(([key, value]) => (value === 'true' ? key : `${key}=${value}`))
    .join(', ');
}

export function cellValue(run: RunDocument, column: Column, stat: MetricStat, now = Date.now()): CellValue {
  switch (column.kind) {
    case 'star':
      return isStarred(run);
    case 'status':
      return run.status;
    case 'name':
      return run.name;
    case 'experiment':
      return run.experiment;
    case 'start':
      return run.startTime;
    case 'duration':
      return durationSeconds(run, now);
    case 'tags':
      return tagsOf(run);
    case 'param':
      return column.key !== undefined && Object.hasOwn(run.params, column.key)
        ? run.params[column.key]
        : undefined;
    case 'metric': {
      if (column.key === undefined || !Object.hasOwn(run.metrics, column.key)) return undefined;
      return decodeNumber(run.metrics[column.key][stat]);
    }
  }
}

/** Order of two cell values: numbers before text, missing (and NaN) always last whatever the direction. */
function compareCells(a: CellValue, b: CellValue, desc: boolean): number {
  const missingA = a === undefined || a === null || (typeof a === 'number' && Number.isNaN(a));
  const missingB = b === undefined || b === null || (typeof b === 'number' && Number.isNaN(b));
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  let order: number;
  if (typeof a === 'number' && typeof b === 'number') order = a < b ? -1 : a > b ? 1 : 0;
  else if (typeof a === 'number') order = -1;
  else if (typeof b === 'number') order = 1;
  else if (typeof a === 'boolean' && typeof b === 'boolean') order = Number(b) - Number(a);
  else order = collator.compare(String(a), String(b));
  return desc ? -order : order;
}

export function sortRuns(
  runs: readonly RunDocument[],
  keys: readonly SortKey[],
  columns: ReadonlyMap<string, Column>,
  stat: MetricStat,
  now = Date.now(),
): RunDocument[] {
  const active = keys.filter((k) => columns.has(k.column));
  if (active.length === 0) return runs.slice();
  // Decorate once: 10,000 runs × a few keys would otherwise recompute cells O(n log n) times.
  const decorated = runs.map((run, index) => ({
    run,
    index,
    cells: active.map((k) => cellValue(run, columns.get(k.column)!, stat, now)),
  }));
  decorated.sort((x, y) => {
    for (let i = 0; i < active.length; i++) {
      const order = compareCells(x.cells[i], y.cells[i], active[i].desc);
      if (order !== 0) return order;
    }
    return x.index - y.index;
  });
  return decorated.map((d) => d.run);
}

/**
 * Click on a header: sort by that column alone (toggling its direction if it was the only key); with `add`
 * (shift-click), add it as the next key or toggle it where it is.
 */
export function toggleSort(keys: readonly SortKey[], column: string, add: boolean): SortKey[] {
  const existing = keys.find((k) => k.column === column);
  if (!add) return [{ column, desc: existing && keys.length === 1 ? !existing.desc : false }];
  if (existing) return keys.map((k) => (k.column === column ? { column, desc: !k.desc } : k));
  return [...keys, { column, desc: false }];
}

export function filterRuns(
  runs: readonly RunDocument[],
  query: Query | undefined,
  now = Date.now(),
): RunDocument[] {
  return query ? runs.filter((run) => evaluateQuery(query, run, { now })) : runs.slice();
}

/** Param and metric columns whose values are not all the same across `runs` (fixed columns always count). */
export function differingColumns(
  runs: readonly RunDocument[],
  columns: readonly Column[],
  stat: MetricStat,
): Set<string> {
  const out = new Set<string>();
  for (const column of columns) {
    if (column.kind !== 'param' && column.kind !== 'metric') {
      out.add(column.id);
      continue;
    }
    if (runs.length === 0) continue;
    const first = cellValue(runs[0], column, stat);
    for (let i = 1; i < runs.length; i++) {
      const value = cellValue(runs[i], column, stat);
      if (value !== first && !(Number.isNaN(value) && Number.isNaN(first))) {
        out.add(column.id);
        break;
      }
    }
  }
  return out;
}

export type Row =
  | { kind: 'group'; experiment: string; count: number; collapsed: boolean }
  | { kind: 'run'; run: RunDocument };

/** Rows to display: runs in order, or under one header per experiment (in order of first appearance). */
export function buildRows(
  runs: readonly RunDocument[],
  group: boolean,
  collapsed: ReadonlySet<string> = new Set(),
): Row[] {
  if (!group) return runs.map((run) => ({ kind: 'run', run }));
  const groups = new Map<string, RunDocument[]>();
  for (const run of runs) {
    let list = groups.get(run.experiment);
    if (!list) groups.set(run.experiment, (list = []));
    list.push(run);
  }
  const rows: Row[] = [];
  for (const [experiment, list] of groups) {
    const isCollapsed = collapsed.has(experiment);
    rows.push({ kind: 'group', experiment, count: list.length, collapsed: isCollapsed });
    if (!isCollapsed) for (const run of list) rows.push({ kind: 'run', run });
  }
  return rows;
}
