// Drift between two profiles of a column, computed from the profiles alone (the data may be gone):
// numbers from their percentile sketches (101 quantiles), categories from their value counts.

/** The percentile sketch as a distribution function: linear between the quantiles, jumps where they tie. */
export class QuantileCdf {
  private readonly q: number[];

  constructor(quantiles: number[]) {
    if (quantiles.length < 2) throw new Error('a quantile sketch needs at least 2 points');
    this.q = quantiles;
  }

  /** P(X <= x). */
  at(x: number): number {
    const q = this.q;
    const last = q.length - 1;
    if (x < q[0]) return 0;
    if (x >= q[last]) return 1;
    const j = upperBound(q, x) - 1; // the last index with q[j] <= x; q[j + 1] > x
    return (j + (x - q[j]) / (q[j + 1] - q[j])) / last;
  }

  /** P(X < x). */
  before(x: number): number {
    const q = this.q;
    const last = q.length - 1;
    if (x <= q[0]) return 0;
    if (x > q[last]) return 1;
    const j = lowerBound(q, x) - 1; // the last index with q[j] < x; q[j + 1] >= x
    return (j + (x - q[j]) / (q[j + 1] - q[j])) / last;
  }

  get points(): readonly number[] {
    return this.q;
  }
}

function upperBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Two-sample Kolmogorov–Smirnov statistic, sup |F_a − F_b|. Both functions are piecewise linear with jumps only at
 * their points, so the supremum is reached at a point of one of them (from the left or the right).
 */
export function ksStatistic(a: QuantileCdf, b: QuantileCdf): number {
  let sup = 0;
  for (const x of [...a.points, ...b.points]) {
    sup = Math.max(sup, Math.abs(a.at(x) - b.at(x)), Math.abs(a.before(x) - b.before(x)));
  }
  return sup;
}

/** Share floor in PSI so an empty bin costs a large but finite amount (a common convention). */
export const PSI_EPSILON = 1e-4;

export interface PsiResult {
  psi: number;
  /** Bin upper edges (the older version's deciles, ties merged); the last bin is open. */
  edges: number[];
  expected: number[];
  actual: number[];
}

/**
 * Population stability index Σ (actual − expected) · ln(actual / expected) over bins cut at the older version's
 * deciles (equal ties merged, so a column with few values gets fewer bins).
 */
export function populationStabilityIndex(older: QuantileCdf, newer: QuantileCdf, bins = 10): PsiResult {
  const q = older.points;
  const last = q.length - 1;
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = q[Math.round((i * last) / bins)];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  const expected: number[] = [];
  const actual: number[] = [];
  let prevA = 0;
  let prevB = 0;
  for (const edge of [...edges, Infinity]) {
    const a = edge === Infinity ? 1 : older.at(edge);
    const b = edge === Infinity ? 1 : newer.at(edge);
    expected.push(a - prevA);
    actual.push(b - prevB);
    prevA = a;
    prevB = b;
  }
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], PSI_EPSILON);
    const o = Math.max(actual[i], PSI_EPSILON);
    psi += (o - e) * Math.log(o / e);
  }
  return { psi, edges, expected, actual };
}

export interface ShareChange {
  value: string;
  a: number;
  b: number;
  delta: number;
}

/**
 * Category shares of two versions (counts of the most frequent values, the rest as one "(other)" bucket) and their
 * total variation distance ½ Σ |share_b − share_a|. Sorted by the size of the change.
 */
export function shareChanges(
  a: { top: [string, number][]; otherCount: number },
  b: { top: [string, number][]; otherCount: number },
): { changes: ShareChange[]; distance: number } {
  const totalA = a.top.reduce((s, [, n]) => s + n, 0) + a.otherCount;
  const totalB = b.top.reduce((s, [, n]) => s + n, 0) + b.otherCount;
  const countsA = new Map(a.top);
  const countsB = new Map(b.top);
  const values = [...new Set([...countsA.keys(), ...countsB.keys()])];
  const share = (n: number, total: number) => (total > 0 ? n / total : 0);
  const changes = values.map((value) => {
    const sa = share(countsA.get(value) ?? 0, totalA);
    const sb = share(countsB.get(value) ?? 0, totalB);
    return { value, a: sa, b: sb, delta: sb - sa };
  });
  if (a.otherCount > 0 || b.otherCount > 0) {
    const sa = share(a.otherCount, totalA);
    const sb = share(b.otherCount, totalB);
    changes.push({ value: '(other)', a: sa, b: sb, delta: sb - sa });
  }
  const distance = changes.reduce((s, c) => s + Math.abs(c.delta), 0) / 2;
  changes.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.value < y.value ? -1 : 1));
  return { changes, distance };
}
