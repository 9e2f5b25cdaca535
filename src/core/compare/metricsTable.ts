import type { RunDocument } from '../store/types';
import { decodeNumber } from '../store/values';
import { goalOf, type Goal, type GoalSource } from './goals';

// Metrics side by side: last and best value per run, and their change against a baseline run, judged by the
// metric's goal.

export type Verdict = 'better' | 'worse' | 'same';

export interface MetricCell {
  last?: number;
  best?: number;
  count: number;
  /** Against the baseline's value of the same kind; absent for the baseline itself or when either is missing. */
  deltaLast?: number;
  pctLast?: number;
  verdictLast?: Verdict;
  deltaBest?: number;
  pctBest?: number;
  verdictBest?: Verdict;
}

export interface MetricRow {
  name: string;
  goal: Goal;
  goalSource: GoalSource;
  cells: MetricCell[];
  /** Index of the run with the best "best" value (first of ties), if any run has one. */
  bestRun?: number;
  differs: boolean;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function finite(value: unknown): number | undefined {
  const n = decodeNumber(value);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

export function verdict(value: number, baseline: number, goal: Goal): Verdict {
  if (value === baseline) return 'same';
  return (goal === 'min' ? value < baseline : value > baseline) ? 'better' : 'worse';
}

/** Percent change from `baseline` to `value`; undefined when the baseline is 0 (no meaningful ratio). */
export function percentChange(value: number, baseline: number): number | undefined {
  return baseline === 0 ? undefined : ((value - baseline) / Math.abs(baseline)) * 100;
}

export function compareMetrics(
  runs: readonly RunDocument[],
  baseline: number,
  goals: ReadonlyMap<string, Goal>,
): MetricRow[] {
  const names = new Set<string>();
  for (const run of runs) for (const name of Object.keys(run.metrics)) names.add(name);
  return [...names].sort(collator.compare).map((name) => {
    const { goal, source } = goalOf(name, goals);
    const cells: MetricCell[] = runs.map((run) => {
      const summary = Object.hasOwn(run.metrics, name) ? run.metrics[name] : undefined;
      if (!summary) return { count: 0 };
      return {
        last: finite(summary.last),
        best: finite(goal === 'min' ? summary.min : summary.max),
        count: typeof summary.count === 'number' ? summary.count : 0,
      };
    });
    const base = cells[baseline];
    cells.forEach((cell, i) => {
      if (i === baseline || !base) return;
      if (cell.last !== undefined && base.last !== undefined) {
        cell.deltaLast = cell.last - base.last;
        cell.pctLast = percentChange(cell.last, base.last);
        cell.verdictLast = verdict(cell.last, base.last, goal);
      }
      if (cell.best !== undefined && base.best !== undefined) {
        cell.deltaBest = cell.best - base.best;
        cell.pctBest = percentChange(cell.best, base.best);
        cell.verdictBest = verdict(cell.best, base.best, goal);
      }
    });
    let bestRun: number | undefined;
    cells.forEach((cell, i) => {
      if (cell.best === undefined) return;
      const current = bestRun === undefined ? undefined : cells[bestRun].best;
      if (current === undefined || verdict(cell.best, current, goal) === 'better') bestRun = i;
    });
    const differs = cells.some((c) => c.last !== cells[0].last || c.best !== cells[0].best);
    return { name, goal, goalSource: source, cells, bestRun, differs };
  });
}
