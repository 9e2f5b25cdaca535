import { hostname } from 'node:os';
import { isSignallablePid, processExists, processStartOf, systemProcessProbe } from './processIdentity';
import type { RunDocument } from './types';

/**
 * The one liveness rule (docs/store-format.md, "Liveness"). Every reader applies it in memory to what it reads;
 * only the extension, which supervises runs, records the verdict in run.json (RunIndex's `persistCrashes`).
 *
 * A `running` run is crashed when its writer shows no sign of life: its process, on this machine, is gone or is now
 * another program; or its last heartbeat is more than HEARTBEAT_TIMEOUT_MS old, or more than that in the future
 * (a clock cannot be trusted to keep a run alive forever).
 */
export const HEARTBEAT_TIMEOUT_MS = 30_000;

export interface LivenessProbe {
  host: string;
  now(): number;
  isProcessAlive(pid: number): boolean;
  /** The identity of a live process (`"<boot_id>:<start ticks>"`), where the system tells it. */
  processStart?(pid: number): string | undefined;
}

export const systemProbe: LivenessProbe = {
  host: hostname(),
  now: () => Date.now(),
  isProcessAlive: processExists,
  processStart: (pid) => processStartOf(pid, systemProcessProbe),
};

/** Why a run that says `running` has in fact died, or undefined while it may still be alive. */
export function crashReason(doc: RunDocument, probe: LivenessProbe = systemProbe): string | undefined {
  if (doc.status !== 'running') return undefined;
  const { pid, host, processStart } = doc.capture;
  // Only a real pid of this machine tells anything; -1 or 0 would probe every process or the group.
  if (isSignallablePid(pid) && host === probe.host) {
    if (!probe.isProcessAlive(pid)) return `process ${pid} is gone`;
    const current = typeof processStart === 'string' ? probe.processStart?.(pid) : undefined;
    if (current !== undefined && current !== processStart) return `process ${pid} is now another program`;
  }
  const recorded = doc.heartbeatAt ?? doc.startTime;
  const lastSign = Date.parse(recorded);
  if (!Number.isFinite(lastSign)) return `its heartbeat time ${JSON.stringify(recorded)} is not a time`;
  const now = probe.now();
  if (now - lastSign > HEARTBEAT_TIMEOUT_MS) return `no heartbeat since ${new Date(lastSign).toISOString()}`;
  if (lastSign - now > HEARTBEAT_TIMEOUT_MS) {
    return `its heartbeat ${new Date(lastSign).toISOString()} is in the future`;
  }
  return undefined;
}

/** The fields a crashed run gets, in memory or on disk alike: ended at its last sign of life (never in the future). */
export function crashFields(
  doc: { heartbeatAt?: unknown; startTime?: unknown; error?: unknown },
  reason: string,
  now = Date.now(),
): { status: 'crashed'; endTime: string; error: { type: string; message: string } } {
  const times = [doc.heartbeatAt, doc.startTime].filter(
    (time): time is string => typeof time === 'string' && Date.parse(time) <= now,
  );
  return {
    status: 'crashed',
    endTime: times[0] ?? new Date(now).toISOString(),
    error: { type: 'Crashed', message: `The run's process died without closing the run: ${reason}.` },
  };
}

/** The run as every reader shows it: a dead `running` run is crashed. Returns `doc` itself when nothing changes. */
export function withLiveness(
  doc: RunDocument,
  probe: LivenessProbe = systemProbe,
): { doc: RunDocument; crash?: string } {
  const reason = crashReason(doc, probe);
  if (!reason) return { doc };
  const { status, endTime, error } = crashFields(doc, reason, probe.now());
  const seen = Object.assign(Object.create(null) as RunDocument, doc, { status, endTime });
  seen.error = doc.error ?? error;
  return { doc: seen, crash: reason };
}
