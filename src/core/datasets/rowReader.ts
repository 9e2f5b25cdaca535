import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { TabularProfile } from './types';

// Streaming rows of a CSV, TSV or JSON Lines file for the row sample of a diff (rowSample.ts), read the way the
// Python client's profiler reads them (csv's default dialect: `"` quotes, `""` inside quotes, fields may span
// lines; header names made unique the same way), and the sha256 of every byte read, so the caller can tell
// whether the file still holds the version's content.

export type Row = Record<string, string>;

export interface RowStream {
  /** Column names (CSV: the header; JSON Lines: keys in order of first appearance, known once read). */
  columns: string[];
  rows: AsyncGenerator<Row>;
  /** sha256 hex of the bytes read: complete once `rows` is exhausted. */
  digest(): string;
}

/** Rows of a tabular file; rows whose field count differs from the header's are skipped (the profile counts them). */
export function readRows(path: string, format: TabularProfile['format']): RowStream {
  const hash = createHash('sha256');
  const columns: string[] = [];
  let hex: string | undefined;
  async function* chunks(): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      yield decoder.decode(chunk as Buffer, { stream: true });
    }
    const rest = decoder.decode();
    if (rest) yield rest;
    hex = hash.digest('hex');
  }
  const rows =
    format === 'jsonl'
      ? jsonRows(chunks(), columns)
      : csvRows(chunks(), format === 'tsv' ? '\t' : ',', columns);
  return {
    columns,
    rows,
    digest: () => {
      if (hex === undefined) throw new Error('the file was not read to its end');
      return hex;
    },
  };
}

/** Records of CSV text (fields as strings), across chunk boundaries. */
export async function* csvRecords(
  chunks: AsyncIterable<string> | Iterable<string>,
  delimiter: string,
): AsyncGenerator<string[]> {
  let record: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let afterQuote = false; // just read the closing quote of a quoted field (or the first of a `""`)
  let pendingCr = false;
  let sawAny = false;
  for await (const text of chunks) {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (pendingCr) {
        pendingCr = false;
        if (c === 10) {
          start = i + 1;
          continue;
        }
      }
      if (quoted) {
        if (c === 34) {
          field += text.slice(start, i);
          quoted = false;
          afterQuote = true;
          start = i + 1;
        }
        continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (c === 34) {
          // `""` inside quotes: one quote, still quoted
          field += '"';
          quoted = true;
          start = i + 1;
          continue;
        }
      }
      if (c === 34 && field === '' && start === i) {
        quoted = true;
        sawAny = true;
        start = i + 1;
      } else if (text[i] === delimiter) {
        record.push(field + text.slice(start, i));
        field = '';
        sawAny = true;
        start = i + 1;
      } else if (c === 10 || c === 13) {
        field += text.slice(start, i);
        if (sawAny || field !== '' || record.length) {
          record.push(field);
          yield record;
        } else yield [];
        record = [];
        field = '';
        sawAny = false;
        pendingCr = c === 13;
        start = i + 1;
      } else sawAny = true;
    }
    field += text.slice(start);
  }
  if (sawAny || field !== '' || record.length) {
    record.push(field);
    yield record;
  }
}

/** Header names as the client's profiler names them: empty → column_<n>, repeats → <name>_<k>. */
export function uniqueNames(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((raw, i) => {
    const name = raw || `column_${i + 1}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}_${n}`;
  });
}

async function* csvRows(
  chunks: AsyncIterable<string>,
  delimiter: string,
  columns: string[],
): AsyncGenerator<Row> {
  let width = -1;
  for await (const record of csvRecords(chunks, delimiter)) {
    if (width < 0) {
      columns.push(...uniqueNames(record));
      width = record.length;
      continue;
    }
    if (record.length !== width) continue; // blank or malformed
    const row: Row = {};
    for (let i = 0; i < width; i++) row[columns[i]] = record[i];
    yield row;
  }
}

async function* jsonRows(chunks: AsyncIterable<string>, columns: string[]): AsyncGenerator<Row> {
  const known = new Set<string>();
  let rest = '';
  const parse = (line: string): Row | undefined => {
    if (!line.trim()) return undefined;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
    const row: Row = {};
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      if (!known.has(k)) {
        known.add(k);
        columns.push(k);
      }
      row[k] = v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    }
    return row;
  };
  for await (const text of chunks) {
    const lines = (rest + text).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const row = parse(line);
      if (row) yield row;
    }
  }
  const row = parse(rest);
  if (row) yield row;
}
