// Whether a metric is better low or high: from the `runlog.metricGoals` setting, else guessed from its name.

export type Goal = 'min' | 'max';
export type GoalSource = 'setting' | 'guess';

/** Words that mark a metric to minimize, as whole words of its name (`val_loss`, `trainError`, `p95-latency`). */
const MINIMIZE_WORDS = ['loss', 'error', 'err', 'mse', 'mae', 'rmse', 'perplexity', 'ppl', 'time', 'latency'];

/** The words of a metric name: split on anything not a letter or digit, and at lower→upper case changes. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function guessGoal(name: string): Goal {
  // "runtime", "walltime", "nll_loss": a word ending in a minimize word counts too.
  return words(name).some((word) =>
    MINIMIZE_WORDS.some((m) => word === m || (m.length >= 4 && word.endsWith(m))),
  )
    ? 'min'
    : 'max';
}

/** Reads the setting's value into a clean map, ignoring entries that are not "min"/"max" (reported back). */
export function readGoalSetting(value: unknown): { goals: Map<string, Goal>; problems: string[] } {
  const goals = new Map<string, Goal>();
  const problems: string[] = [];
  if (value === undefined || value === null) return { goals, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      goals,
      problems: ['runlog.metricGoals must be an object such as { "loss": "min", "acc": "max" }'],
    };
  }
  for (const [name, goal] of Object.entries(value as Record<string, unknown>)) {
    const normalized = typeof goal === 'string' ? goal.trim().toLowerCase() : goal;
    if (normalized === 'min' || normalized === 'max') goals.set(name, normalized);
    else problems.push(`runlog.metricGoals["${name}"] is ${JSON.stringify(goal)}; use "min" or "max"`);
  }
  return { goals, problems };
}

export function goalOf(name: string, goals: ReadonlyMap<string, Goal>): { goal: Goal; source: GoalSource } {
  const set = goals.get(name);
  return set ? { goal: set, source: 'setting' } : { goal: guessGoal(name), source: 'guess' };
}
