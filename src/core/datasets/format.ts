import type { TabularDiff } from './diff';
import type { ProfileSample } from './types';

/** Bytes for people: 1,234 B, 12.3 kB, 4.56 GB (powers of 1000, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toPrecision(value < 10 ? 3 : value < 100 ? 3 : 4).replace(/\.0+$/, '')} ${units[unit]}`;
}

/**
 * "statistics from a sample of N of M rows" for a diffed file whose profile (either side's) was sampled, so a reader
 * knows the nulls, means and drift measures describe sampled records; undefined when both profiles are exact.
 */
export function sampleNote(t: TabularDiff): string | undefined {
  const of = (s: ProfileSample, rows: number) =>
    `${s.rows.toLocaleString('en')} of ${rows.toLocaleString('en')} rows`;
  if (t.sampleA && t.sampleB)
    return `statistics from a sample of ${of(t.sampleA, t.rowsA)} (older) and ${of(t.sampleB, t.rowsB)} (newer)`;
  if (t.sampleA) return `statistics of the older version from a sample of ${of(t.sampleA, t.rowsA)}`;
  if (t.sampleB) return `statistics of the newer version from a sample of ${of(t.sampleB, t.rowsB)}`;
  return undefined;
}
