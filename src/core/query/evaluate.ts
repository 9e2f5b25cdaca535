import type { RunDocument } from '../store/types';
import type { CompareOp, Expr, Literal, Operand, Query } from './ast';
import { readField, type FieldValue } from './fields';
import { MAX_SUBJECT_LENGTH } from './safeRegex';

// Evaluates a parsed query against one run. Semantics (docs/compare.md):
// - a field the run lacks is null: `== null` and `!= "x"` hold for it, ordering comparisons do not;
// - a number compared with text that reads as a number compares as numbers (params from a command line are
//   often text: "0.01"); text "true"/"false" equals the boolean;
// - `contains` is a case-insensitive substring test; `~` a (safe) regular expression search;
// - NaN compares false with everything.

export interface EvaluateOptions {
  /** Clock for the duration of runs still going (ms since epoch). */
  now?: number;
}

export function evaluateQuery(query: Query, run: RunDocument, options: EvaluateOptions = {}): boolean {
  return evaluate(query.root, run, options.now ?? Date.now());
}

function evaluate(expr: Expr, run: RunDocument, now: number): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluate(expr.left, run, now) && evaluate(expr.right, run, now);
    case 'or':
      return evaluate(expr.left, run, now) || evaluate(expr.right, run, now);
    case 'not':
      return !evaluate(expr.expr, run, now);
    case 'truthy':
      return isTruthy(value(expr.operand, run, now));
    case 'compare':
      return compare(expr.op, value(expr.left, run, now), value(expr.right, run, now), expr.regex);
  }
}

function value(operand: Operand, run: RunDocument, now: number): FieldValue {
  return operand.kind === 'literal' ? operand.value : readField(run, operand.segments, now);
}

function isTruthy(v: FieldValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v !== '' && v.toLowerCase() !== 'false';
  return false;
}

function asNumber(v: FieldValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && /^[\s+\-\d.eE]+$|^[+-]?Infinity$/.test(v)) {
    const n = Number(v);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function asBoolean(v: FieldValue): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const lower = v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

function equals(a: FieldValue, b: FieldValue): boolean {
  const an = a ?? null;
  const bn = b ?? null;
  if (an === null || bn === null) return an === bn;
  if (typeof an === 'number' || typeof bn === 'number') {
    const x = asNumber(an);
    const y = asNumber(bn);
    return x !== undefined && y !== undefined && x === y;
  }
  if (typeof an === 'boolean' || typeof bn === 'boolean') {
    const x = asBoolean(an);
    const y = asBoolean(bn);
    return x !== undefined && x === y;
  }
  return an === bn;
}

/** -1/0/1, or undefined when the two cannot be ordered. */
function order(a: FieldValue, b: FieldValue): number | undefined {
  if (a === undefined || a === null || b === undefined || b === null) return undefined;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === undefined || y === undefined || Number.isNaN(x) || Number.isNaN(y)) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}

function text(v: FieldValue): string | undefined {
  if (v === undefined || v === null) return undefined;
  return String(v).slice(0, MAX_SUBJECT_LENGTH);
}

function compare(op: CompareOp, a: FieldValue, b: FieldValue, regex: RegExp | undefined): boolean {
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case 'contains': {
      const haystack = text(a);
      const needle = text(b);
      return (
        haystack !== undefined &&
        needle !== undefined &&
        haystack.toLowerCase().includes(needle.toLowerCase())
      );
    }
    case '~': {
      const subject = text(a);
      return subject !== undefined && regex !== undefined && regex.test(subject);
    }
    default: {
      const sign = order(a, b);
      if (sign === undefined) return false;
      if (op === '<') return sign < 0;
      if (op === '<=') return sign <= 0;
      if (op === '>') return sign > 0;
      return sign >= 0;
    }
  }
}

export interface Explanation {
  ok: boolean;
  text: string;
}

/** One line per comparison in the query, in reading order, e.g. "metrics.acc = 0.85, needs >= 0.9". */
export function explainQuery(query: Query, run: RunDocument, options: EvaluateOptions = {}): Explanation[] {
  const now = options.now ?? Date.now();
  const lines: Explanation[] = [];
  const visit = (expr: Expr, negated: boolean): void => {
    switch (expr.kind) {
      case 'and':
      case 'or':
        visit(expr.left, negated);
        visit(expr.right, negated);
        return;
      case 'not':
        visit(expr.expr, !negated);
        return;
      case 'truthy': {
        const v = value(expr.operand, run, now);
        const holds = isTruthy(v);
        lines.push({
          ok: holds !== negated,
          text: `${describeOperand(expr.operand, v)}, needs ${negated ? 'a false or missing value' : 'a true value'}`,
        });
        return;
      }
      case 'compare': {
        const left = value(expr.left, run, now);
        const right = value(expr.right, run, now);
        const holds = compare(expr.op, left, right, expr.regex);
        const rightText =
          expr.right.kind === 'literal' ? expr.right.text : describeOperand(expr.right, right);
        const needs = `${negated ? 'not ' : ''}${expr.op} ${rightText}`;
        lines.push({ ok: holds !== negated, text: `${describeOperand(expr.left, left)}, needs ${needs}` });
        return;
      }
    }
  };
  visit(query.root, false);
  return lines;
}

function describeOperand(operand: Operand, v: FieldValue): string {
  if (operand.kind === 'literal') return operand.text;
  return v === undefined ? `${operand.text} is missing` : `${operand.text} = ${formatLiteral(v)}`;
}

function formatLiteral(v: Literal): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
