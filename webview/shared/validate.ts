// Small checks shared by the page contracts' validators (both directions).

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A run id as the store makes them (no path separators, no dots at the start): safe to look up, never a path. */
export function isRunId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/.test(value);
}

export function isRunIdList(value: unknown, max = 10_000): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.length <= max && value.every(isRunId);
}

export function isShortString(value: unknown, max = 1000): value is string {
  return typeof value === 'string' && value.length <= max;
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
