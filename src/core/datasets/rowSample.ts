import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetDiff, TabularDiff } from './diff';
import { readRows, type Row } from './rowReader';
import type { ManifestEntry, TabularProfile, VersionRecord } from './types';

// A bounded sample of the rows added, removed and changed between two versions of a tabular file, matched by a
// key column (found, or chosen by the user), when both versions' content is still on disk. Memory: one key and
// one 53-bit row hash per row of the older version (files over ROW_SAMPLE_MAX_ROWS rows are refused with a note),
// plus at most `limit` rows of each kind. Three reads: the older file (keys and row hashes), the newer one (the
// comparison), the older one again (the sampled rows' old values).

export const ROW_SAMPLE_LIMIT = 20;
/** Rows of the older version held (as key → row hash) at most. */
export const ROW_SAMPLE_MAX_ROWS = 5_000_000;

export interface SampledRow {
  key: string;
  values: Row;
}

export interface ChangedRow {
  key: string;
  a: Row;
  b: Row;
  /** Columns (present in both versions) whose value changed. */
  changed: string[];
}

export interface RowSample {
  /** The file in the newer version. */
  path: string;
  /** The key column the rows were matched by. */
  key?: string;
  keySource?: 'found' | 'chosen';
  /** Columns of both versions, the likeliest keys first: what a key can be chosen from. */
  keyCandidates: string[];
  /** Columns shown (the newer version's, then those only the older one has). */
  columns: string[];
  /** Exact counts over all rows (not only the sample). */
  counts?: { added: number; removed: number; changed: number; unchanged: number; duplicateKeys: number };
  added: SampledRow[];
  removed: SampledRow[];
  changed: ChangedRow[];
  limit: number;
  /** Why there is no sample (content not on disk, no key, too large), or what to know about it. */
  note?: string;
}

/** Where each version's content may be on disk: the paths it was logged or tracked from (newest first). */
export interface ContentRoots {
  a: string[];
  b: string[];
}

const KEY_NAME = /^(id|key|uuid|guid|pk)$|_(id|key)$|^id_/i;

/** Key candidates: columns in both profiles, those that look like keys first (by name, then unique and non-null). */
export function keyCandidates(
  pa: TabularProfile,
  pb: TabularProfile,
): { candidates: string[]; found?: string } {
  const inA = new Map(pa.columns.map((c) => [c.name, c]));
  const both = pb.columns.filter((c) => inA.has(c.name));
  const unique = (rows: number, c: TabularProfile['columns'][number]) =>
    rows > 0 &&
    c.nulls === 0 &&
    (c.distinctExact ? c.distinct === rows : Math.abs(c.distinct - rows) <= 0.03 * rows);
  const score = (c: TabularProfile['columns'][number]) => {
    const a = inA.get(c.name)!;
    // a sampled profile's distinct counts are of its sampled rows
    const isUnique = unique(pa.sample?.rows ?? pa.rows, a) && unique(pb.sample?.rows ?? pb.rows, c);
    return (KEY_NAME.test(c.name) ? 2 : 0) + (isUnique ? 1 : 0) + (KEY_NAME.test(c.name) && isUnique ? 1 : 0);
  };
  const scored = both.map((c, i) => ({ name: c.name, score: score(c), i }));
  scored.sort((x, y) => y.score - x.score || x.i - y.i);
  const best = scored[0];
  // a name like a key is enough (duplicates are counted and reported); otherwise the column must be unique
  const found = best && best.score >= 1 ? best.name : undefined;
  return { candidates: scored.map((s) => s.name), found };
}

/** 53-bit hash of a string (cyrb53): row fingerprints, so a row's old values need not be kept. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const fingerprint = (row: Row, columns: string[]) => hash53(columns.map((c) => row[c] ?? '').join('\u0000'));

/** The file of a version on disk that still has the manifest's size, or why there is none. */
function locate(
  record: VersionRecord,
  entry: ManifestEntry,
  roots: string[],
): { file?: string; why?: string } {
  if (roots.length === 0)
    return {
      why: `no path is recorded for version ${record.digest.slice(7, 19)} (only its profile is stored)`,
    };
  const reasons: string[] = [];
  for (const root of roots) {
    const file = record.kind === 'file' ? root : join(root, ...entry.path.split('/'));
    if (!existsSync(file)) {
      reasons.push(`${file} is gone`);
      continue;
    }
    const size = statSync(file).size;
    if (size !== entry.size) reasons.push(`${file} has changed since version ${record.digest.slice(7, 19)}`);
    else return { file };
  }
  return { why: reasons.join('; ') };
}

export interface RowSampleOptions {
  /** Key columns chosen by the user, by file (newer version's path). */
  keys?: Record<string, string>;
  limit?: number;
  maxRows?: number;
}

/** The diff with each tabular file's row sample (`rows`: the sample, or a note saying why there is none). */
export async function addRowSamples(
  diff: DatasetDiff,
  a: VersionRecord,
  b: VersionRecord,
  roots: ContentRoots,
  options: RowSampleOptions = {},
): Promise<DatasetDiff> {
  const tabular: TabularDiff[] = [];
  for (const t of diff.tabular) {
    let rows: RowSample;
    try {
      rows = await sampleOne(t, a, b, roots, options);
    } catch (error) {
      rows = {
        path: t.path,
        keyCandidates: [],
        columns: [],
        added: [],
        removed: [],
        changed: [],
        limit: options.limit ?? ROW_SAMPLE_LIMIT,
        note: `no row sample: ${(error as Error).message}`,
      };
    }
    tabular.push({ ...t, rows });
  }
  return { ...diff, tabular };
}

async function sampleOne(
  t: TabularDiff,
  a: VersionRecord,
  b: VersionRecord,
  roots: ContentRoots,
  options: RowSampleOptions,
): Promise<RowSample> {
  const limit = options.limit ?? ROW_SAMPLE_LIMIT;
  const pa = a.profiles[t.pathA];
  const pb = b.profiles[t.path];
  const { candidates, found } = keyCandidates(pa, pb);
  const chosen = options.keys?.[t.path];
  const base: RowSample = {
    path: t.path,
    keyCandidates: candidates,
    columns: [
      ...pb.columns.map((c) => c.name),
      ...pa.columns.filter((c) => !pb.columns.some((x) => x.name === c.name)).map((c) => c.name),
    ],
    added: [],
    removed: [],
    changed: [],
    limit,
  };
  if (chosen !== undefined && !candidates.includes(chosen))
    return {
      ...base,
      note: `"${chosen}" is not a column of both versions; choose one of: ${candidates.join(', ')}`,
    };
  const key = chosen ?? found;
  if (!key)
    return {
      ...base,
      note: candidates.length
        ? 'no key column found (none is named like an id or unique in both versions): choose one to see rows'
        : 'the two versions have no column in common',
    };
  const withKey: RowSample = { ...base, key, keySource: chosen !== undefined ? 'chosen' : 'found' };
  if (pb.format === 'parquet')
    return { ...withKey, note: 'row samples of Parquet files are not supported yet' };
  const maxRows = options.maxRows ?? ROW_SAMPLE_MAX_ROWS;
  if (pa.rows > maxRows || pb.rows > maxRows)
    return {
      ...withKey,
      note: `too large for a row sample: ${Math.max(pa.rows, pb.rows).toLocaleString('en')} rows (at most ${maxRows.toLocaleString('en')})`,
    };
  const entryA = a.manifest.find((e) => e.path === t.pathA);
  const entryB = b.manifest.find((e) => e.path === t.path);
  if (!entryA || !entryB) return { ...withKey, note: 'the file is not in both manifests' };
  const fileA = locate(a, entryA, roots.a);
  const fileB = locate(b, entryB, roots.b);
  if (!fileA.file)
    return { ...withKey, note: `no row sample: the older version's content is not on disk: ${fileA.why}` };
  if (!fileB.file)
    return { ...withKey, note: `no row sample: the newer version's content is not on disk: ${fileB.why}` };
  return compare(withKey, key, fileA.file, entryA.digest, fileB.file, entryB.digest, pa, pb, limit);
}

async function compare(
  sample: RowSample,
  key: string,
  fileA: string,
  digestA: string,
  fileB: string,
  digestB: string,
  pa: TabularProfile,
  pb: TabularProfile,
  limit: number,
): Promise<RowSample> {
  const inB = new Set(pb.columns.map((c) => c.name));
  const common = pa.columns.map((c) => c.name).filter((n) => inB.has(n));
  const stale = (file: string) => `no row sample: ${file} has changed since the version was recorded`;
  // 1. the older file: key → row fingerprint (over the columns of both versions)
  const old = new Map<string, number>();
  let duplicateKeys = 0;
  const readA = readRows(fileA, pa.format);
  for await (const row of readA.rows) {
    const k = row[key] ?? '';
    if (old.has(k)) duplicateKeys++;
    else old.set(k, fingerprint(row, common));
  }
  if (readA.digest() !== digestA) return { ...sample, note: stale(fileA) };
  // 2. the newer file: added and changed rows (counted all, the first `limit` kept)
  const MATCHED = -1;
  const added: SampledRow[] = [];
  const changedB = new Map<string, Row>();
  let addedCount = 0;
  let changedCount = 0;
  let unchanged = 0;
  const readB = readRows(fileB, pb.format);
  for await (const row of readB.rows) {
    const k = row[key] ?? '';
    const before = old.get(k);
    if (before === undefined) {
      addedCount++;
      if (added.length < limit) added.push({ key: k, values: row });
    } else if (before === MATCHED) duplicateKeys++;
    else {
      old.set(k, MATCHED);
      if (before === fingerprint(row, common)) unchanged++;
      else {
        changedCount++;
        if (changedB.size < limit) changedB.set(k, row);
      }
    }
  }
  if (readB.digest() !== digestB) return { ...sample, note: stale(fileB) };
  const removedKeys: string[] = [];
  let removedCount = 0;
  for (const [k, v] of old)
    if (v !== MATCHED) {
      removedCount++;
      if (removedKeys.length < limit) removedKeys.push(k);
    }
  // 3. the older file again: the old values of the sampled changed and removed rows
  const wanted = new Set([...changedB.keys(), ...removedKeys]);
  const oldRows = new Map<string, Row>();
  if (wanted.size) {
    const again = readRows(fileA, pa.format);
    for await (const row of again.rows) {
      const k = row[key] ?? '';
      if (wanted.has(k) && !oldRows.has(k)) oldRows.set(k, row);
    }
    if (again.digest() !== digestA) return { ...sample, note: stale(fileA) };
  }
  const changed: ChangedRow[] = [...changedB].map(([k, b]) => {
    const a = oldRows.get(k) ?? {};
    return { key: k, a, b, changed: common.filter((c) => (a[c] ?? '') !== (b[c] ?? '')) };
  });
  const notes: string[] = [];
  if (duplicateKeys)
    notes.push(
      `"${key}" is not unique: ${duplicateKeys} rows repeat a key and were compared by their first row`,
    );
  if (common.length < sample.columns.length)
    notes.push(`rows are compared on the ${common.length} columns both versions have`);
  return {
    ...sample,
    counts: { added: addedCount, removed: removedCount, changed: changedCount, unchanged, duplicateKeys },
    added,
    removed: removedKeys.map((k) => ({ key: k, values: oldRows.get(k) ?? {} })),
    changed,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}
