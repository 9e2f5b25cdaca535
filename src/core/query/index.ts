// The run query language (docs/compare.md): filters for the runs table, the Runs view and promotion gates.
export type { Query, Expr, Operand, CompareOp, Literal } from './ast';
export { QueryError, formatQueryError } from './errors';
export { parseQuery, QUERY_EXAMPLE, MAX_QUERY_LENGTH } from './parser';
export { evaluateQuery, explainQuery, type Explanation, type EvaluateOptions } from './evaluate';
export { FIELD_HELP, STAR_TAG, isStarred, durationSeconds, readField, type FieldValue } from './fields';
