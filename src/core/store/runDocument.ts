import { readFile } from 'node:fs/promises';
import { parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { withLock, type LockOptions } from './lock';
import { normalizeRunText, type FieldProblem } from './normalize';
import type { RunDocument } from './types';

/** Why a run document cannot be used; shown next to the run, which stays listed as unreadable. */
export class UnreadableRunError extends Error {}

/** Parses and checks the text of a run.json; throws UnreadableRunError with a reason a user can act on. */
export function parseRunDocument(text: string, expectedId: string): RunDocument {
  return readRunText(text, expectedId).doc;
}

/** The normalized document and the problems found in it (fields dropped or converted). */
export function readRunText(text: string, id: string): { doc: RunDocument; problems: FieldProblem[] } {
  const result = normalizeRunText(text, id);
  if (!result.ok) throw new UnreadableRunError(result.reason);
  return { doc: result.doc, problems: result.problems };
}

export async function readRunDocument(file: string, id: string): Promise<RunDocument> {
  return parseRunDocument(await readFile(file, 'utf8'), id);
}

/**
 * run.json as stored, for editing: numbers stay as their exact text (lossless-json's LosslessNumber), so an edit
 * changes only what it means to, and an integer beyond 2^53, `-0.0` or `1.50` are written back as they were.
 * Only the string fields and tags a change touches are read; everything else is opaque.
 */
export type StoredRunDocument = Record<string, unknown> & {
  status?: unknown;
  name?: unknown;
  tags?: unknown;
  startTime?: unknown;
  heartbeatAt?: unknown;
  endTime?: unknown;
  error?: unknown;
};

/** Sets an own property even when the key is `__proto__` (plain assignment would change the prototype). */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function losslessFile(file: string) {
  return new DataFile<StoredRunDocument>(file, {
    parse: (text) => parseLossless(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as StoredRunDocument,
    // As the Python client writes it (indent 2, trailing newline), so the two writers' diffs stay small.
    stringify: (data) => `${stringifyLossless(data, null, 2) ?? ''}\n`,
  });
}

/**
 * Edits a run document the way every writer must (docs/store-format.md): under run.json.lock, re-read, apply only
 * this change, replace atomically (lowdb's DataFile writes a temporary file and renames it).
 */
export async function updateRunDocument(
  file: string,
  id: string,
  change: (doc: StoredRunDocument) => void,
  lockOptions?: LockOptions,
): Promise<RunDocument> {
  return withLock(
    `${file}.lock`,
    async () => {
      // Never write over a document we could not understand.
      readRunText(await readFile(file, 'utf8'), id);
      const db = new Low<StoredRunDocument>(losslessFile(file), {});
      try {
        await db.read();
      } catch (error) {
        throw new UnreadableRunError(
          error instanceof RangeError
            ? 'run.json nests too deeply for Runlog to rewrite it without changing it; it was left as it is'
            : `run.json cannot be rewritten without changing it (${(error as Error).message}); it was left as it is`,
        );
      }
      change(db.data);
      await db.write();
      return parseRunDocument(await readFile(file, 'utf8'), id);
    },
    lockOptions,
  );
}
