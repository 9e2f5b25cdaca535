// Params table logic (pure, unit-tested): filtering, sorting and how values read.
import type { ParamValue } from '../../src/core/store/types';

export type ParamSortColumn = 'name' | 'value';
export interface ParamSort {
  column: ParamSortColumn;
  descending: boolean;
}

export function paramType(value: ParamValue): 'string' | 'number' | 'boolean' | 'null' {
  return value === null ? 'null' : (typeof value as 'string' | 'number' | 'boolean');
}

export function paramText(value: ParamValue): string {
  return value === null ? 'null' : String(value);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The rows to show: those whose name or value contains `filter` (case-insensitive), sorted. */
export function filterAndSortParams(
  params: Record<string, ParamValue>,
  filter: string,
  sort: ParamSort,
): [string, ParamValue][] {
  const needle = filter.trim().toLowerCase();
  const rows = Object.entries(params).filter(
    ([name, value]) =>
      !needle || name.toLowerCase().includes(needle) || paramText(value).toLowerCase().includes(needle),
  );
  const compareValues = (a: ParamValue, b: ParamValue) => {
    // Numbers before everything else, in numeric order; then the rest as text.
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return collator.compare(paramText(a), paramText(b));
  };
  rows.sort(([nameA, a], [nameB, b]) => {
    const order =
      sort.column === 'name'
        ? collator.compare(nameA, nameB)
        : compareValues(a, b) || collator.compare(nameA, nameB);
    return sort.descending ? -order : order;
  });
  return rows;
}
