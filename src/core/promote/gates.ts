// Promotion gates: expressions of the query language (src/core/query) that a run must satisfy to be promoted.
import type { RunDocument } from '../store/types';

export interface GateResult {
  expression: string;
  ok: boolean;
  /** Why, one line per comparison (e.g. "metrics.acc = 0.85, needs >= 0.9"), or the parse error. */
  details: string[];
}

/** Evaluates one gate expression against a run; bound to the query language in queryGates.ts. */
export type GateEvaluator = (expression: string, doc: RunDocument) => GateResult;

export function evaluateGates(
  expressions: string[],
  doc: RunDocument,
  evaluate: GateEvaluator,
): GateResult[] {
  return expressions.map((expression) => {
    try {
      return evaluate(expression, doc);
    } catch (error) {
      return { expression, ok: false, details: [`cannot evaluate: ${(error as Error).message}`] };
    }
  });
}

export function failedGates(results: GateResult[]): GateResult[] {
  return results.filter((r) => !r.ok);
}

/** "metrics.acc >= 0.9: metrics.acc = 0.85, needs >= 0.9" for each failed gate. */
export function describeFailures(results: GateResult[]): string {
  return failedGates(results)
    .map((r) => `${r.expression}: ${r.details.join('; ') || 'not met'}`)
    .join('\n');
}
