import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexOf, isHex64 } from './digests';
import type { TrackedEntry, VersionRecord } from './types';

/** A version record that is missing or cannot be used, with what to do about it. */
export class VersionUnavailableError extends Error {}

/** The dataset part of a store (docs/datasets.md): version records by digest, and the Track Dataset… log. */
export class DatasetStore {
  constructor(readonly storeRoot: string) {}

  get versionsDir(): string {
    return join(this.storeRoot, 'datasets', 'sha256');
  }

  get trackedFile(): string {
    return join(this.storeRoot, 'datasets', 'tracked.jsonl');
  }

  recordPath(digest: string): string {
    return join(this.versionsDir, `${hexOf(digest)}.json`);
  }

  hasVersion(digest: string): boolean {
    return existsSync(this.recordPath(digest));
  }

  /** Hex digests of every recorded version. */
  listVersionDigests(): string[] {
    try {
      return readdirSync(this.versionsDir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => name.slice(0, -5))
        .filter(isHex64);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** The whole record of a version; throws VersionUnavailableError saying why it cannot be read. */
  readVersion(digest: string): VersionRecord {
    const path = this.recordPath(digest);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new VersionUnavailableError(
          `version sha256:${hexOf(digest)} has no record in ${this.storeRoot} (it was logged by an older ` +
            'client, or in another store); log the dataset again to record it',
        );
      }
      throw new VersionUnavailableError(`cannot read ${path}: ${(error as Error).message}`);
    }
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      throw new VersionUnavailableError(
        `${path} is not valid JSON (${(error as Error).message}); delete it and log the dataset again`,
      );
    }
    const problem = checkRecord(record, hexOf(digest));
    if (problem)
      throw new VersionUnavailableError(`${path}: ${problem}; delete it and log the dataset again`);
    return record as VersionRecord;
  }

  /** The Track Dataset… entries, oldest first; lines that cannot be parsed are skipped. */
  readTracked(): TrackedEntry[] {
    let text: string;
    try {
      text = readFileSync(this.trackedFile, 'utf8');
    } catch {
      return [];
    }
    const entries: TrackedEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as Partial<TrackedEntry>;
        if (
          typeof entry.name === 'string' &&
          typeof entry.path === 'string' &&
          typeof entry.digest === 'string' &&
          isHex64(hexOf(entry.digest))
        ) {
          entries.push({
            name: entry.name,
            path: entry.path,
            digest: entry.digest,
            size: typeof entry.size === 'number' ? entry.size : 0,
            files: typeof entry.files === 'number' ? entry.files : 0,
            at: typeof entry.at === 'string' ? entry.at : '',
          });
        }
      } catch {
        // a torn last line while a writer appends: the next read has it whole
      }
    }
    return entries;
  }
}

/** What is wrong with a parsed record, or undefined when it has the shape diffs rely on. */
export function checkRecord(record: unknown, hex: string): string | undefined {
  if (typeof record !== 'object' || record === null) return 'not a JSON object';
  const r = record as Partial<VersionRecord>;
  if (r.schema !== 1) return `unknown schema ${JSON.stringify(r.schema)} (this Runlog reads schema 1)`;
  if (r.digest !== `sha256:${hex}`) return `its digest ${String(r.digest)} does not match its file name`;
  if (!Array.isArray(r.manifest)) return 'manifest is missing';
  for (const entry of r.manifest) {
    if (
      typeof entry !== 'object' ||
      entry === null ||
      typeof entry.path !== 'string' ||
      typeof entry.size !== 'number' ||
      typeof entry.digest !== 'string'
    )
      return 'a manifest entry lacks path, size or digest';
  }
  if (typeof r.profiles !== 'object' || r.profiles === null) return 'profiles are missing';
  if (!Array.isArray(r.problems)) return 'problems are missing';
  return undefined;
}
