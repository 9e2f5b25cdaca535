import { readFile } from 'node:fs/promises';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { withLock } from './lock';
import { RUN_STATUSES, type RunDocument } from './types';

/** Why a run document cannot be used; shown next to the run, which stays listed as unreadable. */
export class UnreadableRunError extends Error {}

/** Parses and checks the text of a run.json; throws UnreadableRunError with a reason a user can act on. */
export function parseRunDocument(text: string, expectedId: string): RunDocument {
  if (text.trim() === '') throw new UnreadableRunError('run.json is empty (a write was cut off)');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new UnreadableRunError(`run.json is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UnreadableRunError('run.json does not hold a JSON object');
  }
  const run = doc as Partial<RunDocument>;
  if (run.id !== expectedId) {
    throw new UnreadableRunError(
      `run.json names run ${JSON.stringify(run.id)}, but its folder is ${expectedId}`,
    );
  }
  if (!RUN_STATUSES.includes(run.status as never)) {
    throw new UnreadableRunError(`run.json has an unknown status ${JSON.stringify(run.status)}`);
  }
  if (typeof run.startTime !== 'string') throw new UnreadableRunError('run.json has no startTime');
  // Tolerate documents written by other tools that leave optional parts out.
  return {
    ...run,
    name: typeof run.name === 'string' && run.name !== '' ? run.name : expectedId,
    experiment: typeof run.experiment === 'string' && run.experiment !== '' ? run.experiment : 'default',
    params: isObject(run.params) ? run.params : {},
    tags: isObject(run.tags) ? run.tags : {},
    metrics: isObject(run.metrics) ? run.metrics : {},
    capture: isObject(run.capture) ? run.capture : {},
    datasets: Array.isArray(run.datasets) ? run.datasets : [],
    artifacts: Array.isArray(run.artifacts) ? run.artifacts : [],
  } as RunDocument;
}

function isObject(value: unknown): value is Record<string, never> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function readRunDocument(file: string, id: string): Promise<RunDocument> {
  return parseRunDocument(await readFile(file, 'utf8'), id);
}

/**
 * Edits a run document the way every writer must (docs/store-format.md): under run.json.lock, re-read, apply only
 * this change, replace atomically (lowdb's JSONFile writes a temporary file and renames it).
 */
export async function updateRunDocument(
  file: string,
  id: string,
  change: (doc: RunDocument) => void,
): Promise<RunDocument> {
  return withLock(`${file}.lock`, async () => {
    const text = await readFile(file, 'utf8');
    parseRunDocument(text, id); // never write over a document we could not understand
    // Edit the document as stored, so fields of other tools survive and no defaults are written into it.
    const db = new Low<RunDocument>(new JSONFile<RunDocument>(file), JSON.parse(text) as RunDocument);
    change(db.data);
    await db.write();
    return parseRunDocument(JSON.stringify(db.data), id);
  });
}
