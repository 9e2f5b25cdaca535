// The parsed form of a query. Plain data: no functions, nothing built from the user's text but strings,
// numbers and compiled safe regular expressions.

export type Literal = string | number | boolean | null;

export type Operand =
  | { kind: 'field'; segments: string[]; text: string; position: number }
  | { kind: 'literal'; value: Literal; text: string; position: number };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | '~';

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand; position: number; regex?: RegExp }
  /** A field alone (`starred`, `git.dirty`, `tags.baseline`): true when it holds a true-ish value. */
  | { kind: 'truthy'; operand: Operand };

export interface Query {
  readonly text: string;
  readonly root: Expr;
}
