import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { profileParquet } from './parquetProfile';
import type { VersionProblem } from './types';
import type { DatasetStore } from './versionStore';

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Adds profiles of the Parquet files of a version that the client just recorded (the client is stdlib-only and
 * cannot read Parquet) to its record, from the files at `datasetPath`. A file is profiled only if its bytes still
 * have the digest of the manifest; otherwise the problem is returned and the record keeps no profile for it.
 */
export async function addParquetProfiles(
  store: DatasetStore,
  digest: string,
  datasetPath: string,
): Promise<VersionProblem[]> {
  const record = store.readVersion(digest);
  const targets = record.manifest.filter((e) => /\.parquet$/i.test(e.path) && !record.profiles[e.path]);
  const problems: VersionProblem[] = [];
  if (targets.length === 0) return problems;
  for (const entry of targets) {
    const full = record.kind === 'file' ? datasetPath : join(datasetPath, ...entry.path.split('/'));
    try {
      const before = await stat(full);
      if (before.size !== entry.size || (await sha256(full)) !== entry.digest) {
        problems.push({ path: entry.path, problem: 'changed since it was versioned, not profiled' });
        continue;
      }
      const profile = await profileParquet(full);
      const after = await stat(full);
      if (after.mtimeMs !== before.mtimeMs || after.size !== before.size || after.ino !== before.ino) {
        problems.push({ path: entry.path, problem: 'changed while it was profiled, not profiled' });
        continue;
      }
      record.profiles[entry.path] = profile;
    } catch (error) {
      problems.push({ path: entry.path, problem: `not profiled: ${(error as Error).message}` });
    }
  }
  if (problems.length < targets.length) {
    const target = store.recordPath(digest);
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, JSON.stringify(record));
    await rename(temporary, target);
  }
  return problems;
}
