import type { RunDocument } from './types';

/** Top-level fields of `next` that differ from `previous` (by value), and those it no longer has. */
export function diffDocuments(
  previous: RunDocument,
  next: RunDocument,
): { changed: Partial<RunDocument>; removed: string[] } | undefined {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(previous[key])) changed[key] = value;
  }
  const removed = Object.keys(previous).filter((key) => !Object.hasOwn(next, key));
  if (Object.keys(changed).length === 0 && removed.length === 0) return undefined;
  return { changed, removed };
}
