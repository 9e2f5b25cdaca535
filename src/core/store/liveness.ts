import { hostname } from 'node:os';
import type { RunDocument } from './types';

/** A running run whose writer shows no sign of life for this long is crashed (docs/store-format.md). */
export const HEARTBEAT_TIMEOUT_MS = 30_000;

export interface LivenessProbe {
  host: string;
  now(): number;
  isProcessAlive(pid: number): boolean;
}

export const systemProbe: LivenessProbe = {
  host: hostname(),
  now: () => Date.now(),
  isProcessAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
    }
  },
};

/** Why a run that says `running` has in fact died, or undefined while it may still be alive. */
export function crashReason(doc: RunDocument, probe: LivenessProbe = systemProbe): string | undefined {
  if (doc.status !== 'running') return undefined;
  const { pid, host } = doc.capture;
  if (typeof pid === 'number' && host === probe.host && !probe.isProcessAlive(pid)) {
    return `process ${pid} is gone`;
  }
  const lastSign = Date.parse(doc.heartbeatAt ?? doc.startTime);
  if (Number.isFinite(lastSign) && probe.now() - lastSign > HEARTBEAT_TIMEOUT_MS) {
    return `no heartbeat since ${new Date(lastSign).toISOString()}`;
  }
  return undefined;
}
