import type { DatasetRecord, RunDocument } from '../store/types';
import { fullDigest } from './digests';
import type { TrackedEntry } from './types';

export interface VersionUse {
  runId: string;
  runName: string;
  role: DatasetRecord['role'];
  at: string;
}

/** One version of a named dataset, as the Datasets view and `runlog datasets ls` show it. */
export interface CatalogVersion {
  name: string;
  /** `sha256:<hex>` */
  digest: string;
  size: number;
  files: number;
  /** When this version was first logged or tracked (ISO). */
  firstSeen: string;
  /** Where it was found on disk (newest use first). */
  paths: string[];
  runs: VersionUse[];
  tracked: boolean;
}

export interface CatalogDataset {
  name: string;
  /** Newest first. */
  versions: CatalogVersion[];
}

/** Datasets by name, each with its versions, from the runs' `datasets` entries and the Track Dataset… log. */
export function buildCatalog(
  runs: readonly RunDocument[],
  tracked: readonly TrackedEntry[],
): CatalogDataset[] {
  const byName = new Map<string, Map<string, CatalogVersion>>();
  const version = (name: string, digest: string, size: number, files: number, at: string, path: string) => {
    let versions = byName.get(name);
    if (!versions) byName.set(name, (versions = new Map<string, CatalogVersion>()));
    const key = fullDigest(digest);
    let v = versions.get(key);
    if (!v) {
      v = { name, digest: key, size, files, firstSeen: at, paths: [], runs: [], tracked: false };
      versions.set(key, v);
    }
    if (at && (!v.firstSeen || at < v.firstSeen)) v.firstSeen = at;
    if (path && !v.paths.includes(path)) v.paths.push(path);
    return v;
  };
  for (const run of runs) {
    for (const d of run.datasets) {
      if (typeof d?.name !== 'string' || typeof d.digest !== 'string' || !d.digest) continue;
      const at = d.loggedAt ?? run.startTime;
      version(d.name, d.digest, d.size, d.files, at, d.path).runs.push({
        runId: run.id,
        runName: run.name,
        role: d.role,
        at,
      });
    }
  }
  for (const t of tracked) version(t.name, t.digest, t.size, t.files, t.at, t.path).tracked = true;
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, versions]) => ({
      name,
      versions: [...versions.values()]
        .map((v) => ({ ...v, runs: v.runs.sort((x, y) => (x.at < y.at ? 1 : -1)) }))
        .sort((x, y) => (x.firstSeen < y.firstSeen ? 1 : x.firstSeen > y.firstSeen ? -1 : 0)),
    }));
}
