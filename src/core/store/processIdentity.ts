import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunDocument } from './types';

/**
 * Tells whether a pid named in a run document really is that run's writer before anything signals it
 * (docs/store-format.md, "Process identity"). A run.json is data anyone can commit to a repository: without this
 * check, Stop would signal whatever pid it names (-1: every process of the user).
 *
 * Identity on Linux is `"<boot_id>:<start ticks>"`: the kernel's boot id (/proc/sys/kernel/random/boot_id) and the
 * process start time in clock ticks since boot (/proc/<pid>/stat field 22). A pid is reused only by a process that
 * starts later, and a reboot changes the boot id, so the pair names one process for the machine's lifetime.
 */
export interface ProcessProbe {
  /** This machine's host name, as the Python client records it in `capture.host`. */
  readonly host: string;
  /** The kernel's boot id, or undefined where /proc has none (not Linux). */
  bootId(): string | undefined;
  /** Field 22 of /proc/<pid>/stat (start time in clock ticks), or undefined when that process does not exist. */
  startTicks(pid: number): string | undefined;
}

export type ProcessCheck = { ok: true; pid: number } | { ok: false; reason: string };

/** Reads /proc. Every read is short and synchronous: Stop is a user action on one run. */
export function procProbe(procRoot = '/proc', host = hostname()): ProcessProbe {
  return {
    host,
    bootId() {
      try {
        return readFileSync(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').trim() || undefined;
      } catch {
        return undefined;
      }
    },
    startTicks(pid) {
      let stat: string;
      try {
        stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
      } catch {
        return undefined;
      }
      return startTicksOf(stat);
    },
  };
}

export const systemProcessProbe: ProcessProbe = procProbe();

/**
 * Field 22 of a /proc/<pid>/stat line. Field 2 is the command name in parentheses and may itself hold spaces and
 * parentheses, so fields are counted from the last ')'.
 */
export function startTicksOf(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/); // fields[0] is field 3 (state)
  const ticks = fields[22 - 3];
  return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : undefined;
}

/** The identity of a live process in the store's format, or undefined where it cannot be known. */
export function processStartOf(pid: number, probe: ProcessProbe = systemProcessProbe): string | undefined {
  const boot = probe.bootId();
  const ticks = probe.startTicks(pid);
  return boot && ticks ? `${boot}:${ticks}` : undefined;
}

/** Whether `pid` may be signalled at all: a real process id, never 0, -1 (groups, everyone) or init. */
export function isSignallablePid(pid: unknown): pid is number {
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 1;
}

/**
 * Verifies that the process a run names is the run's own writer, on this machine, now. ok:false carries a reason a
 * user can act on; nothing is signalled by this function.
 */
export function verifyRunProcess(doc: RunDocument, probe: ProcessProbe = systemProcessProbe): ProcessCheck {
  const capture = (doc as { capture?: unknown }).capture;
  const { pid, host, processStart } = (
    typeof capture === 'object' && capture !== null ? capture : {}
  ) as Record<string, unknown>;
  if (!isSignallablePid(pid)) {
    return { ok: false, reason: `the run records no usable process id (${describe(pid)})` };
  }
  if (typeof host !== 'string' || host === '') {
    return {
      ok: false,
      reason: `the run records no host, so process ${pid} may be on another machine; stop it where it runs`,
    };
  }
  if (host !== probe.host) {
    return {
      ok: false,
      reason: `the run runs on ${host}, not on this machine (${probe.host}); stop it there`,
    };
  }
  if (typeof processStart !== 'string' || !/^[^:]+:\d+$/.test(processStart)) {
    return {
      ok: false,
      reason:
        `the run does not record its process start (an older client, or not Linux), so process ${pid} cannot be ` +
        `verified as its writer; stop it from its terminal, or check \`ps -p ${pid}\` and kill it yourself`,
    };
  }
  const boot = probe.bootId();
  if (!boot) {
    return { ok: false, reason: `process identities cannot be checked on this system (no /proc boot id)` };
  }
  const separator = processStart.lastIndexOf(':');
  const [recordedBoot, recordedTicks] = [processStart.slice(0, separator), processStart.slice(separator + 1)];
  if (recordedBoot !== boot) {
    return {
      ok: false,
      reason: `the machine restarted since the run started; process ${pid} is not its writer`,
    };
  }
  const ticks = probe.startTicks(pid);
  if (ticks === undefined) return { ok: false, reason: `process ${pid} is gone` };
  if (ticks !== recordedTicks) {
    return { ok: false, reason: `process ${pid} is now another program (it started at a different time)` };
  }
  return { ok: true, pid };
}

export type SignalFunction = (pid: number, signal: NodeJS.Signals) => void;

/**
 * Sends `signal` to the run's writer only once its identity is verified; the single way the editor signals a run it
 * did not start itself. `kill` is injectable so tests never signal a real process by mistake.
 */
export function signalRunProcess(
  doc: RunDocument,
  signal: NodeJS.Signals,
  options: { probe?: ProcessProbe; kill?: SignalFunction } = {},
): ProcessCheck {
  const check = verifyRunProcess(doc, options.probe);
  if (!check.ok) return check;
  try {
    (options.kill ?? ((pid, name) => process.kill(pid, name)))(check.pid, signal);
    return check;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason:
        code === 'ESRCH'
          ? `process ${check.pid} is gone`
          : `process ${check.pid} could not be signalled: ${(error as Error).message}`,
    };
  }
}

function describe(value: unknown): string {
  return value === undefined ? 'none' : (JSON.stringify(value) ?? typeof value);
}

/** Whether a process with this pid exists (one owned by another user counts: signalling it is refused, not absent). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
