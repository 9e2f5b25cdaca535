import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import {
  isSignallablePid,
  processExists,
  processStartOf,
  systemProcessProbe,
  type ProcessProbe,
} from './processIdentity';

/** How long a lock may sit before it counts as left behind by a dead writer (docs/store-format.md). */
export const STALE_LOCK_MS = 10_000;

/** What a lock file holds (docs/store-format.md, "Locking"): who took it, so others can tell when it is orphaned. */
export interface LockOwner {
  pid: number;
  host: string;
  processStart?: string;
  at: string;
}

export class StoreBusyError extends Error {
  constructor(
    readonly lockFile: string,
    owner?: Partial<LockOwner>,
  ) {
    const who =
      owner && typeof owner.pid === 'number'
        ? `process ${owner.pid}${typeof owner.host === 'string' ? ` on ${owner.host}` : ''}`
        : 'another process';
    super(
      `Runlog could not edit ${lockFile.replace(/\.lock$/, '')}: ${who} holds ${lockFile}. ` +
        `Try again; if no Runlog process is running, delete the lock file.`,
    );
  }
}

export interface LockOptions {
  /** How long to wait for another holder. */
  timeoutMs?: number;
  probe?: ProcessProbe;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding `lockFile`, created exclusively as the store format prescribes. A lock whose owner is
 * a process of this machine that no longer exists (or whose pid now names another program) is broken at once; a
 * lock whose owner cannot be checked (another host, no content yet) is broken when older than STALE_LOCK_MS.
 * Otherwise waits up to `timeoutMs` for the holder.
 */
export async function withLock<T>(
  lockFile: string,
  work: () => Promise<T>,
  options: LockOptions | number = {},
): Promise<T> {
  const { timeoutMs = 3000, probe = systemProcessProbe } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  const me = JSON.stringify(ownerRecord(probe));
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      try {
        await handle.writeFile(me);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await inspectLock(lockFile, probe);
      if (held === undefined) continue; // released meanwhile
      if (held.orphaned) {
        await breakLock(lockFile, held.text);
        continue;
      }
      if (Date.now() > deadline) throw new StoreBusyError(lockFile, held.owner);
      await sleep(Math.min(2 ** attempt, 20));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}

function ownerRecord(probe: ProcessProbe): LockOwner {
  const processStart = processStartOf(process.pid, probe);
  return {
    pid: process.pid,
    host: probe.host,
    ...(processStart ? { processStart } : {}),
    at: new Date().toISOString(),
  };
}

interface HeldLock {
  text: string;
  owner: Partial<LockOwner> | undefined;
  orphaned: boolean;
  why?: string;
}

/** Reads a lock and judges whether its owner is gone. Undefined when there is no lock (any more). */
export async function inspectLock(
  lockFile: string,
  probe: ProcessProbe = systemProcessProbe,
  now = Date.now(),
): Promise<HeldLock | undefined> {
  let text: string;
  let ageMs: number;
  try {
    [text, ageMs] = await Promise.all([
      readFile(lockFile, 'utf8'),
      stat(lockFile).then((info) => now - info.mtimeMs),
    ]);
  } catch {
    return undefined;
  }
  const owner = parseOwner(text);
  const why =
    ownerGone(owner, probe) ?? (ageMs > STALE_LOCK_MS ? `older than ${STALE_LOCK_MS / 1000} s` : undefined);
  return { text, owner, orphaned: why !== undefined, why };
}

function parseOwner(text: string): Partial<LockOwner> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined; // being written, or not ours
  }
}

/** Why the owner is certainly gone; undefined when it may be alive or cannot be checked from here. */
function ownerGone(owner: Partial<LockOwner> | undefined, probe: ProcessProbe): string | undefined {
  if (!owner || owner.host !== probe.host || !isSignallablePid(owner.pid)) return undefined;
  const ticks = probe.startTicks(owner.pid);
  if (ticks === undefined) {
    // No /proc here: fall back to a signal-0 probe.
    if (probe.bootId() === undefined && processExists(owner.pid)) return undefined;
    return `process ${owner.pid} is gone`;
  }
  if (typeof owner.processStart === 'string' && owner.processStart !== processStartOf(owner.pid, probe)) {
    return `process ${owner.pid} is now another program`;
  }
  return undefined;
}

/**
 * Removes an orphaned lock without removing a fresh one another process took meanwhile: the lock is renamed aside
 * (atomic), and if what was renamed is not the lock judged orphaned, it is linked back (link fails rather than
 * overwrite a newer lock).
 */
async function breakLock(lockFile: string, judged: string): Promise<void> {
  const aside = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockFile, aside);
  } catch {
    return; // gone already
  }
  try {
    if ((await readFile(aside, 'utf8')) !== judged) await link(aside, lockFile).catch(() => undefined);
  } finally {
    await rm(aside, { force: true });
  }
}
