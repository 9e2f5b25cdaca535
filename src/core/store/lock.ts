import { open, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';

/** How long a lock may sit before it counts as left behind by a dead writer (docs/store-format.md). */
export const STALE_LOCK_MS = 10_000;

export class StoreBusyError extends Error {
  constructor(readonly lockFile: string) {
    super(
      `Runlog could not edit ${lockFile.replace(/\.lock$/, '')}: another process holds ${lockFile}. ` +
        `Try again; if no Runlog process is running, delete the lock file.`,
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding `lockFile`, created exclusively as the store format prescribes.
 * Waits up to `timeoutMs` for another holder; removes a lock older than STALE_LOCK_MS.
 */
export async function withLock<T>(lockFile: string, work: () => Promise<T>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname() }));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await lockAge(lockFile);
      if (age !== undefined && age > STALE_LOCK_MS) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new StoreBusyError(lockFile);
      await sleep(Math.min(2 ** attempt, 20));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function lockAge(lockFile: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(lockFile)).mtimeMs;
  } catch {
    return undefined; // released meanwhile
  }
}
