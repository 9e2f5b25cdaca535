import { RegExpParser, visitRegExpAST, type AST } from '@eslint-community/regexpp';

// `~` takes a user's regular expression, and JavaScript's engine backtracks: `(a+)+$` on a long name would hang
// the window. Only patterns without catastrophic backtracking are accepted: no nested repetition, no repeated
// group holding alternatives, no backreferences or lookarounds. Matching is linear-ish for what remains, and
// the subject is capped too.

export const MAX_PATTERN_LENGTH = 200;
/** Matching looks at this many characters of a value at most. */
export const MAX_SUBJECT_LENGTH = 2000;

/** The compiled pattern, or the reason it is refused. */
export function compileSafeRegex(pattern: string): RegExp | string {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  let ast: AST.Pattern;
  try {
    ast = new RegExpParser({ ecmaVersion: 2022 }).parsePattern(pattern, 0, pattern.length, { unicode: true });
  } catch (error) {
    return `it is not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
  let problem: string | undefined;
  visitRegExpAST(ast, {
    onBackreferenceEnter() {
      problem ??= 'backreferences (\\1) are not allowed';
    },
    onAssertionEnter(node) {
      if (node.kind === 'lookahead' || node.kind === 'lookbehind') problem ??= 'lookarounds are not allowed';
    },
    onQuantifierEnter(node) {
      if (node.max <= 1) return;
      if (containsRepetition(node.element)) {
        problem ??= `a repeated part may not itself repeat ("${node.raw}" can take exponential time)`;
      } else if (holdsAlternatives(node.element)) {
        problem ??= `a repeated group may not hold alternatives ("${node.raw}"); use a character class like [ab]+`;
      }
    },
  });
  if (problem) return problem;
  return new RegExp(pattern, 'u');
}

function containsRepetition(node: AST.Node): boolean {
  let found = false;
  visitRegExpAST(node, {
    onQuantifierEnter(inner) {
      if (inner.max > 1) found = true;
    },
  });
  return found;
}

function holdsAlternatives(node: AST.Node): boolean {
  let found = false;
  visitRegExpAST(node, {
    onGroupEnter(group) {
      if (group.alternatives.length > 1) found = true;
    },
    onCapturingGroupEnter(group) {
      if (group.alternatives.length > 1) found = true;
    },
  });
  return found;
}
