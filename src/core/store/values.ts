import type { StoredNumber } from './types';

/** Decodes a stored metric value ("NaN", "Infinity", "-Infinity" or a number) into a JS number. */
export function decodeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return undefined;
}

/** Encodes a JS number the way the store writes it (JSON has no NaN or infinities). */
export function encodeNumber(value: number): StoredNumber {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}
