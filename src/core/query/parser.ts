import type { CompareOp, Expr, Operand, Query } from './ast';
import { QueryError } from './errors';
import { checkField } from './fields';
import { tokenize, type Token } from './lexer';
import { compileSafeRegex } from './safeRegex';

// Recursive descent over:  or := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | primary ;
// primary := '(' or ')' | operand (op operand)?

export const MAX_QUERY_LENGTH = 4000;
const MAX_DEPTH = 64;
const COMPARE_OPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=', '~']);

export const QUERY_EXAMPLE = 'metrics.acc > 0.9 and params.lr < 0.01 and tags.stage == "tuned"';

/** Reads a query; throws QueryError (with the position of the problem) for anything it cannot read. */
export function parseQuery(text: string): Query {
  if (typeof text !== 'string') throw new QueryError('A query must be text', 0);
  if (text.length > MAX_QUERY_LENGTH) {
    throw new QueryError(`The query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH);
  }
  if (text.trim() === '') throw new QueryError(`Enter an expression, e.g. ${QUERY_EXAMPLE}`, 0);
  const parser = new Parser(tokenize(text));
  const root = parser.parseOr(0);
  parser.expectEnd();
  return { text, root };
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.index];
  }

  private isKeyword(word: string): boolean {
    return this.current.kind === 'keyword' && this.current.value === word;
  }

  expectEnd(): void {
    const token = this.current;
    if (token.kind === 'end') return;
    if (token.kind === ')')
      throw new QueryError(`Unmatched ")" at column ${token.position + 1}`, token.position);
    throw new QueryError(
      `Expected "and", "or" or the end before "${token.text}" at column ${token.position + 1}`,
      token.position,
    );
  }

  parseOr(depth: number): Expr {
    let left = this.parseAnd(depth);
    while (this.isKeyword('or')) {
      this.index++;
      left = { kind: 'or', left, right: this.parseAnd(depth) };
    }
    return left;
  }

  private parseAnd(depth: number): Expr {
    let left = this.parseNot(depth);
    while (this.isKeyword('and')) {
      this.index++;
      left = { kind: 'and', left, right: this.parseNot(depth) };
    }
    return left;
  }

  private parseNot(depth: number): Expr {
    if (depth > MAX_DEPTH) {
      throw new QueryError(`The query nests deeper than ${MAX_DEPTH} levels`, this.current.position);
    }
    if (this.isKeyword('not')) {
      this.index++;
      return { kind: 'not', expr: this.parseNot(depth + 1) };
    }
    return this.parsePrimary(depth);
  }

  private parsePrimary(depth: number): Expr {
    const token = this.current;
    if (token.kind === '(') {
      this.index++;
      const inner = this.parseOr(depth + 1);
      if (this.current.kind !== ')') {
        throw new QueryError(
          `Expected ")" to close the "(" at column ${token.position + 1}, found ${describe(this.current)}`,
          this.current.position,
        );
      }
      this.index++;
      return inner;
    }
    const left = this.parseOperand('a field such as metrics.acc, or "("');
    const opToken = this.current;
    const op = this.readOperator();
    if (!op) {
      if (left.kind === 'literal' && typeof left.value !== 'boolean') {
        throw new QueryError(
          `Expected a comparison after ${left.text} at column ${opToken.position + 1}, e.g. ${QUERY_EXAMPLE}`,
          opToken.position,
        );
      }
      return { kind: 'truthy', operand: left };
    }
    const right = this.parseOperand(`a value after "${opToken.text}"`);
    const expr: Expr = { kind: 'compare', op, left, right, position: opToken.position };
    if (op === '~') {
      if (right.kind !== 'literal' || typeof right.value !== 'string') {
        throw new QueryError(
          `The pattern after "~" must be a quoted string, e.g. name ~ "^bert-"`,
          right.position,
        );
      }
      const regex = compileSafeRegex(right.value);
      if (typeof regex === 'string') {
        throw new QueryError(
          `The pattern at column ${right.position + 1} is refused: ${regex}`,
          right.position,
        );
      }
      expr.regex = regex;
    }
    return expr;
  }

  private readOperator(): CompareOp | undefined {
    const token = this.current;
    if (token.kind === 'op' && COMPARE_OPS.has(token.value)) {
      this.index++;
      return token.value as CompareOp;
    }
    if (this.isKeyword('contains')) {
      this.index++;
      return 'contains';
    }
    return undefined;
  }

  private parseOperand(expected: string): Operand {
    const token = this.current;
    switch (token.kind) {
      case 'path':
        checkField(token.segments ?? [], token.position, token.text);
        this.index++;
        return { kind: 'field', segments: token.segments ?? [], text: token.text, position: token.position };
      case 'string':
        this.index++;
        return { kind: 'literal', value: token.value, text: token.text, position: token.position };
      case 'number':
        this.index++;
        return { kind: 'literal', value: token.number ?? NaN, text: token.text, position: token.position };
      case 'keyword':
        if (token.value === 'true' || token.value === 'false' || token.value === 'null') {
          this.index++;
          const value = token.value === 'null' ? null : token.value === 'true';
          return { kind: 'literal', value, text: token.text, position: token.position };
        }
        break;
    }
    throw new QueryError(
      `Expected ${expected} at column ${token.position + 1}, found ${describe(token)}`,
      token.position,
    );
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the query' : `"${token.text}"`;
}
