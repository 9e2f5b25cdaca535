import { QueryError } from './errors';

// Splits a query into tokens. A field path (`metrics.val/loss`, `params."batch size"`) is one token; the
// parser checks which fields exist.

export type TokenKind = 'path' | 'string' | 'number' | 'op' | 'keyword' | '(' | ')' | 'end';

export interface Token {
  kind: TokenKind;
  /** For 'path': the segments joined by NUL; 'string': the decoded text; others: the canonical spelling. */
  value: string;
  /** For 'path': the segments. */
  segments?: string[];
  /** For 'number'. */
  number?: number;
  /** 0-based offset of the token's first character, and the source text it spans. */
  position: number;
  text: string;
}

export const KEYWORDS = ['and', 'or', 'not', 'contains', 'true', 'false', 'null'] as const;

const OPERATORS: readonly [string, string][] = [
  ['==', '=='],
  ['!=', '!='],
  ['<=', '<='],
  ['>=', '>='],
  ['&&', 'and'],
  ['||', 'or'],
  ['=', '=='],
  ['<', '<'],
  ['>', '>'],
  ['~', '~'],
  ['!', 'not'],
];

const IDENT_START = /[A-Za-z_]/;
// Metric and param names often hold '-', '/' or ':' (`val/loss`, `train-acc`); the language has no
// arithmetic, so these need no quoting inside a path.
const IDENT_PART = /[A-Za-z0-9_\-/:@]/;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')') {
      tokens.push({ kind: c, value: c, position: i, text: c });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const { value, end } = readString(text, i);
      tokens.push({ kind: 'string', value, position: start, text: text.slice(start, end) });
      i = end;
      continue;
    }
    const number = NUMBER.exec(text.slice(i, i + 400));
    if (number && (c !== '-' || number[0].length > 1)) {
      const after = text[i + number[0].length];
      if (after !== undefined && IDENT_START.test(after)) {
        throw new QueryError(`"${text.slice(i, i + number[0].length + 1)}" is not a number or a field`, i);
      }
      tokens.push({
        kind: 'number',
        value: number[0],
        number: Number(number[0]),
        position: start,
        text: number[0],
      });
      i += number[0].length;
      continue;
    }
    const op = OPERATORS.find(([spelling]) => text.startsWith(spelling, i));
    if (op) {
      tokens.push({
        kind: op[1] === 'and' || op[1] === 'or' || op[1] === 'not' ? 'keyword' : 'op',
        value: op[1],
        position: i,
        text: op[0],
      });
      i += op[0].length;
      continue;
    }
    if (IDENT_START.test(c)) {
      const { segments, end } = readPath(text, i);
      const word = text.slice(start, end);
      const keyword = KEYWORDS.find((k) => k === word.toLowerCase());
      if (segments.length === 1 && keyword) {
        tokens.push({ kind: 'keyword', value: keyword, position: start, text: word });
      } else {
        tokens.push({ kind: 'path', value: segments.join('\0'), segments, position: start, text: word });
      }
      i = end;
      continue;
    }
    throw new QueryError(`Unexpected character "${c}" at column ${i + 1}`, i);
  }
  tokens.push({ kind: 'end', value: '', position: text.length, text: '' });
  return tokens;
}

function readPath(text: string, start: number): { segments: string[]; end: number } {
  const segments: string[] = [];
  let i = start;
  let segmentStart = i;
  while (i < text.length && IDENT_PART.test(text[i])) i++;
  segments.push(text.slice(segmentStart, i));
  while (text[i] === '.') {
    i++;
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const { value, end } = readString(text, i);
      segments.push(value);
      i = end;
      continue;
    }
    segmentStart = i;
    while (i < text.length && IDENT_PART.test(text[i])) i++;
    if (i === segmentStart) {
      throw new QueryError(`Expected a name after "." at column ${i + 1}`, i);
    }
    segments.push(text.slice(segmentStart, i));
  }
  return { segments, end: i };
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
  '`': '`',
};

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\') {
      const next = text[i + 1];
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const escaped =
        next === undefined ? undefined : Object.hasOwn(ESCAPES, next) ? ESCAPES[next] : undefined;
      if (escaped === undefined) {
        // Regex patterns need backslashes (`"\d+"`): an unknown escape keeps its backslash.
        if (next === undefined) break;
        value += c + next;
      } else value += escaped;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new QueryError(`Unterminated string: the ${quote} at column ${start + 1} is never closed`, start);
}
