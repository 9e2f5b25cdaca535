import { randomBytes } from 'node:crypto';

const RUN_ID = /^\d{8}-\d{6}-\d{3}-[0-9a-f]{8}$/;

/** A new run id: UTC start time to the millisecond + 32 random bits; sorts by start time (docs/store-format.md). */
export function newRunId(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2026-11-21T22:18:15.123Z
  const date = iso.slice(0, 10).replace(/-/g, '');
  const time = iso.slice(11, 19).replace(/:/g, '');
  const ms = iso.slice(20, 23);
  return `${date}-${time}-${ms}-${randomBytes(4).toString('hex')}`;
}

export function isRunId(name: string): boolean {
  return RUN_ID.test(name);
}
