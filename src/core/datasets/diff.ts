import { ksStatistic, populationStabilityIndex, QuantileCdf, shareChanges, type ShareChange } from './drift';
import type { RowSample } from './rowSample';
import type {
  ColumnProfile,
  ManifestEntry,
  ProfileSample,
  StoredFloat,
  TabularProfile,
  VersionProblem,
  VersionRecord,
} from './types';

export interface DriftThresholds {
  /** Population stability index of a numeric column (0.1–0.25 is usually read as moderate, above as major). */
  psi: number;
  /** Two-sample Kolmogorov–Smirnov statistic of a numeric column. */
  ks: number;
  /** Total variation distance of a categorical column's shares (½ Σ |Δ share|). */
  shares: number;
  /** Change of a column's null share (absolute). */
  nulls: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psi: 0.2, ks: 0.1, shares: 0.1, nulls: 0.05 };

export type FileStatus = 'added' | 'deleted' | 'modified' | 'renamed';

export interface FileChange {
  status: FileStatus;
  /** The path in the newer version (the older one for a deleted file). */
  path: string;
  /** A renamed file's path in the older version. */
  from?: string;
  sizeA?: number;
  sizeB?: number;
}

export interface ColumnDiff {
  name: string;
  typeA?: ColumnProfile['type'];
  typeB?: ColumnProfile['type'];
  a?: ColumnSummary;
  b?: ColumnSummary;
  psi?: number;
  ks?: number;
  shares?: ShareChange[];
  shareDistance?: number;
  /** Why the column is flagged (empty: not flagged). */
  flags: string[];
}

export interface ColumnSummary {
  count: number;
  nulls: number;
  nullShare: number;
  distinct: number;
  distinctExact: boolean;
  min?: number;
  max?: number;
  mean?: number;
}

export interface TabularDiff {
  /** The file in the newer version. */
  path: string;
  /** The file in the older version when it was renamed (or a file dataset's other name). */
  pathA: string;
  format: TabularProfile['format'];
  rowsA: number;
  rowsB: number;
  malformedA: number;
  malformedB: number;
  /** Set for a side whose column statistics come from a sample (its rows count stays exact). */
  sampleA?: ProfileSample;
  sampleB?: ProfileSample;
  columnsAdded: string[];
  columnsRemoved: string[];
  retyped: { name: string; from: ColumnProfile['type']; to: ColumnProfile['type'] }[];
  columns: ColumnDiff[];
  /** Added, removed and changed rows by key, when asked for and both contents are on disk (rowSample.ts). */
  rows?: RowSample;
}

export interface DriftFlag {
  path: string;
  column: string;
  reasons: string[];
}

export interface VersionSide {
  digest: string;
  kind: VersionRecord['kind'];
  size: number;
  files: number;
  createdAt: string;
  problems: VersionProblem[];
}

export interface DatasetDiff {
  a: VersionSide;
  b: VersionSide;
  identical: boolean;
  counts: Record<FileStatus | 'unchanged', number>;
  /** Changed files, by path (unchanged ones are only counted). */
  files: FileChange[];
  tabular: TabularDiff[];
  /** Columns over a drift threshold, the largest first: what the diff shows at the top. */
  drift: DriftFlag[];
  thresholds: DriftThresholds;
}

/**
 * The diff of two versions from their records alone: files added, deleted, modified and renamed (same digest, new
 * path), and for tabular files that exist in both (same path or renamed) the profile changes and drift.
 */
export function diffVersions(
  a: VersionRecord,
  b: VersionRecord,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): DatasetDiff {
  const counts = { added: 0, deleted: 0, modified: 0, renamed: 0, unchanged: 0 };
  const files: FileChange[] = [];
  const pairs: [ManifestEntry, ManifestEntry][] = [];
  if (a.kind === 'file' && b.kind === 'file' && a.manifest.length === 1 && b.manifest.length === 1) {
    // one file, perhaps under another name: always the same dataset
    const [fa] = a.manifest;
    const [fb] = b.manifest;
    if (fa.digest === fb.digest) counts.unchanged++;
    else {
      counts.modified++;
      files.push({ status: 'modified', path: fb.path, sizeA: fa.size, sizeB: fb.size });
      pairs.push([fa, fb]);
    }
  } else {
    const inA = new Map(a.manifest.map((e) => [e.path, e]));
    const inB = new Map(b.manifest.map((e) => [e.path, e]));
    const added: ManifestEntry[] = [];
    const deleted: ManifestEntry[] = [];
    for (const eb of b.manifest) {
      const ea = inA.get(eb.path);
      if (!ea) added.push(eb);
      else if (ea.digest === eb.digest) counts.unchanged++;
      else {
        counts.modified++;
        files.push({ status: 'modified', path: eb.path, sizeA: ea.size, sizeB: eb.size });
        pairs.push([ea, eb]);
      }
    }
    for (const ea of a.manifest) if (!inB.has(ea.path)) deleted.push(ea);
    // renamed: a deleted file whose exact content reappears under a new path (one to one)
    const deletedByDigest = new Map<string, ManifestEntry[]>();
    for (const e of deleted) {
      const list = deletedByDigest.get(e.digest);
      if (list) list.push(e);
      else deletedByDigest.set(e.digest, [e]);
    }
    const renamedFrom = new Set<string>();
    for (const eb of added) {
      const source = deletedByDigest.get(eb.digest)?.shift();
      if (source) {
        renamedFrom.add(source.path);
        counts.renamed++;
        files.push({
          status: 'renamed',
          path: eb.path,
          from: source.path,
          sizeA: source.size,
          sizeB: eb.size,
        });
      } else {
        counts.added++;
        files.push({ status: 'added', path: eb.path, sizeB: eb.size });
      }
    }
    for (const ea of deleted) {
      if (renamedFrom.has(ea.path)) continue;
      counts.deleted++;
      files.push({ status: 'deleted', path: ea.path, sizeA: ea.size });
    }
    files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  }
  const tabular: TabularDiff[] = [];
  for (const [ea, eb] of pairs) {
    const pa = a.profiles[ea.path];
    const pb = b.profiles[eb.path];
    if (pa && pb) tabular.push(diffProfiles(ea.path, eb.path, pa, pb, thresholds));
  }
  const drift = tabular
    .flatMap((t) =>
      t.columns
        .filter((c) => c.flags.length)
        .map((c) => ({ path: t.path, column: c.name, reasons: c.flags, score: score(c, thresholds) })),
    )
    .sort((x, y) => y.score - x.score)
    .map(({ path, column, reasons }) => ({ path, column, reasons }));
  return {
    a: side(a),
    b: side(b),
    identical: a.digest === b.digest,
    counts,
    files,
    tabular,
    drift,
    thresholds,
  };
}

function side(r: VersionRecord): VersionSide {
  return {
    digest: r.digest,
    kind: r.kind,
    size: r.size,
    files: r.files,
    createdAt: r.createdAt,
    problems: r.problems,
  };
}

/** How far over its thresholds a column is (the largest ratio), to order the flags. */
function score(c: ColumnDiff, t: DriftThresholds): number {
  return Math.max(
    (c.psi ?? 0) / t.psi,
    (c.ks ?? 0) / t.ks,
    (c.shareDistance ?? 0) / t.shares,
    c.a && c.b ? Math.abs(c.b.nullShare - c.a.nullShare) / t.nulls : 0,
    c.typeA !== c.typeB ? Infinity : 0,
  );
}

export function diffProfiles(
  pathA: string,
  pathB: string,
  a: TabularProfile,
  b: TabularProfile,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): TabularDiff {
  const colsA = new Map(a.columns.map((c) => [c.name, c]));
  const colsB = new Map(b.columns.map((c) => [c.name, c]));
  const columnsAdded = b.columns.filter((c) => !colsA.has(c.name)).map((c) => c.name);
  const columnsRemoved = a.columns.filter((c) => !colsB.has(c.name)).map((c) => c.name);
  const retyped: TabularDiff['retyped'] = [];
  const columns: ColumnDiff[] = [];
  for (const cb of b.columns) {
    const ca = colsA.get(cb.name);
    if (!ca) {
      columns.push({ name: cb.name, typeB: cb.type, b: summary(cb), flags: [] });
      continue;
    }
    if (ca.type !== cb.type && ca.type !== 'empty' && cb.type !== 'empty')
      retyped.push({ name: cb.name, from: ca.type, to: cb.type });
    columns.push(diffColumn(ca, cb, thresholds));
  }
  for (const ca of a.columns)
    if (!colsB.has(ca.name)) columns.push({ name: ca.name, typeA: ca.type, a: summary(ca), flags: [] });
  return {
    path: pathB,
    pathA,
    format: b.format,
    rowsA: a.rows,
    rowsB: b.rows,
    malformedA: a.malformedRows,
    malformedB: b.malformedRows,
    ...(a.sample ? { sampleA: a.sample } : {}),
    ...(b.sample ? { sampleB: b.sample } : {}),
    columnsAdded,
    columnsRemoved,
    retyped,
    columns,
  };
}

function num(value: StoredFloat | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? value : Number(value);
}

function summary(c: ColumnProfile): ColumnSummary {
  const total = c.count + c.nulls;
  return {
    count: c.count,
    nulls: c.nulls,
    nullShare: total > 0 ? c.nulls / total : 0,
    distinct: c.distinct,
    distinctExact: c.distinctExact,
    min: num(c.min),
    max: num(c.max),
    mean: num(c.mean),
  };
}

function finiteQuantiles(c: ColumnProfile): number[] | undefined {
  const q = c.quantiles?.map((v) => num(v)!);
  return q && q.length >= 2 && q.every(Number.isFinite) ? q : undefined;
}

function diffColumn(ca: ColumnProfile, cb: ColumnProfile, t: DriftThresholds): ColumnDiff {
  const out: ColumnDiff = {
    name: cb.name,
    typeA: ca.type,
    typeB: cb.type,
    a: summary(ca),
    b: summary(cb),
    flags: [],
  };
  if (ca.type !== cb.type && ca.type !== 'empty' && cb.type !== 'empty')
    out.flags.push(`type ${ca.type} → ${cb.type}`);
  const qa = ca.type === 'number' ? finiteQuantiles(ca) : undefined;
  const qb = cb.type === 'number' ? finiteQuantiles(cb) : undefined;
  if (qa && qb) {
    const older = new QuantileCdf(qa);
    const newer = new QuantileCdf(qb);
    out.psi = populationStabilityIndex(older, newer).psi;
    out.ks = ksStatistic(older, newer);
    if (out.psi > t.psi) out.flags.push(`PSI ${out.psi.toFixed(3)} > ${t.psi}`);
    if (out.ks > t.ks) out.flags.push(`KS ${out.ks.toFixed(3)} > ${t.ks}`);
  }
  if (ca.top && cb.top && !(qa && qb)) {
    const { changes, distance } = shareChanges(
      { top: ca.top, otherCount: ca.otherCount ?? 0 },
      { top: cb.top, otherCount: cb.otherCount ?? 0 },
    );
    out.shares = changes.slice(0, 20);
    out.shareDistance = distance;
    if (distance > t.shares)
      out.flags.push(`category shares moved ${(distance * 100).toFixed(1)} % > ${t.shares * 100} %`);
  }
  const nullChange = out.b!.nullShare - out.a!.nullShare;
  if (Math.abs(nullChange) > t.nulls)
    out.flags.push(
      `nulls ${(out.a!.nullShare * 100).toFixed(1)} % → ${(out.b!.nullShare * 100).toFixed(1)} %`,
    );
  return out;
}
