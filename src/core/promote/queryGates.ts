// Gates in the run query language (interfaces §6): the same expressions as the runs table's filter.
import { evaluateQuery, explainQuery, parseQuery, QueryError } from '../query';
import type { GateEvaluator } from './gates';

export const queryGates: GateEvaluator = (expression, doc) => {
  let query;
  try {
    query = parseQuery(expression);
  } catch (error) {
    const where = error instanceof QueryError ? ` at character ${error.position + 1}` : '';
    return { expression, ok: false, details: [`not a valid gate${where}: ${(error as Error).message}`] };
  }
  const ok = evaluateQuery(query, doc);
  const explained = explainQuery(query, doc);
  // Say why: the failing comparisons when the gate fails, all of them when it passes.
  const details = (ok ? explained : explained.filter((e) => !e.ok)).map((e) => e.text);
  return { expression, ok, details: details.length ? details : explained.map((e) => e.text) };
};
