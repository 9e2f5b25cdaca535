import type { ParamValue, RunDocument } from '../store/types';

// Params side by side: one row per param name any compared run has, flagged when the runs disagree.

export interface ParamRow {
  name: string;
  /** One per run, in the runs' order; undefined where that run has no such param. */
  values: (ParamValue | undefined)[];
  differs: boolean;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function own(record: Record<string, ParamValue>, key: string): ParamValue | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Two values are the same when they print the same (`1` and `1.0` read from JSON are one number anyway). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  return false;
}

export function compareParams(runs: readonly RunDocument[]): ParamRow[] {
  const names = new Set<string>();
  for (const run of runs) for (const name of Object.keys(run.params)) names.add(name);
  return [...names].sort(collator.compare).map((name) => {
    const values = runs.map((run) => own(run.params, name));
    const differs = values.some((v) => !sameValue(v, values[0]));
    return { name, values, differs };
  });
}
