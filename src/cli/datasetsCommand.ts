// `runlog datasets ls|diff`: the dataset versions of the store, and the diff of two of them.
import { existsSync } from 'node:fs';
import { buildCatalog } from '../core/datasets/catalog';
import { diffVersions, type DatasetDiff } from '../core/datasets/diff';
import { addRowSamples, type RowSample } from '../core/datasets/rowSample';
import { shortDigest } from '../core/datasets/digests';
import { looksLikeDigest, resolveVersionReference, VersionReferenceError } from '../core/datasets/references';
import { addParquetProfiles } from '../core/datasets/parquetAttach';
import { findClientDir, versionWithClient } from '../core/datasets/versioner';
import { DatasetStore, VersionUnavailableError } from '../core/datasets/versionStore';
import { formatBytes, sampleNote } from '../core/datasets/format';
import { RunIndex } from '../core/store/runIndex';
import type { RunStore } from '../core/store/runStore';
import type { RunDocument } from '../core/store/types';
import { CliError, openStore, table, type Command } from './commands';

export const datasetsUsage = `  datasets ls [--json]                 datasets by name, with their versions and the runs that used them
  datasets diff <a> <b> [--key COLUMN] [--json]
                                       what changed between two versions: files, tabular profiles, drift,
                                       and up to 20 added/removed/changed rows by a key column (found, or
                                       --key) when both versions' content is still on disk
                                       (a version: sha256:<hex>, a unique hex prefix of 8+ digits,
                                       <run>:<dataset name>, or a path, which is versioned first)`;

async function loadRuns(store: RunStore): Promise<RunDocument[]> {
  const index = new RunIndex(store);
  await index.load();
  const runs = index.list().flatMap((e) => (e.kind === 'run' ? [e.doc] : []));
  index.dispose();
  return runs;
}

const ls: Command = async (_args, options, out) => {
  const store = openStore(options);
  const datasets = new DatasetStore(store.root);
  const catalog = buildCatalog(await loadRuns(store), datasets.readTracked());
  if (options.json) {
    out.write(JSON.stringify(catalog, null, 2) + '\n');
    return 0;
  }
  if (catalog.length === 0) {
    out.write(`No datasets in ${store.root}\n`);
    return 0;
  }
  const rows = catalog.flatMap((d) =>
    d.versions.map((v) => [
      d.name,
      shortDigest(v.digest),
      v.firstSeen.slice(0, 19).replace('T', ' '),
      formatBytes(v.size),
      String(v.files),
      v.runs.length ? [...new Set(v.runs.map((r) => r.runName))].join(', ') : v.tracked ? '(tracked)' : '',
    ]),
  );
  out.write(table(['NAME', 'VERSION', 'FIRST SEEN', 'SIZE', 'FILES', 'RUNS'], rows));
  return 0;
};

const diff: Command = async (args, options, out) => {
  if (args.length !== 2) throw new CliError('datasets diff needs two versions: runlog datasets diff <a> <b>');
  const store = openStore(options);
  const datasets = new DatasetStore(store.root);
  const runs = await loadRuns(store);
  // where each version's content may still be: the paths it was logged or tracked from (and paths given here)
  const roots = new Map<string, string[]>();
  for (const d of buildCatalog(runs, datasets.readTracked()))
    for (const v of d.versions) roots.set(v.digest, [...(roots.get(v.digest) ?? []), ...v.paths]);
  const known = [
    ...datasets.listVersionDigests(),
    ...runs.flatMap((r) => r.datasets.map((d) => d.digest)),
    ...datasets.readTracked().map((t) => t.digest),
  ];
  const resolve = async (reference: string): Promise<string> => {
    if (!looksLikeDigest(reference) && existsSync(reference)) {
      const clientDir = findClientDir(__dirname);
      if (!clientDir)
        throw new Error('the Python client is not bundled with this CLI; cannot version a path');
      const result = await versionWithClient({
        python: process.env.RUNLOG_PYTHON || (process.platform === 'win32' ? 'python' : 'python3'),
        clientDir,
        store: store.root,
        path: reference,
      });
      const problems = await addParquetProfiles(datasets, result.digest, result.path);
      for (const p of problems) process.stderr.write(`runlog: ${reference}: ${p.path}: ${p.problem}\n`);
      roots.set(result.digest, [result.path, ...(roots.get(result.digest) ?? [])]);
      return result.digest;
    }
    try {
      return await resolveVersionReference(reference, {
        knownDigests: known,
        resolveRun: async (ref) =>
          (await store.resolve(ref)).flatMap((e) => (e.kind === 'run' ? [e.doc] : [])),
      });
    } catch (error) {
      if (error instanceof VersionReferenceError) throw new CliError(error.message);
      throw error;
    }
  };
  const [a, b] = [await resolve(args[0]), await resolve(args[1])];
  let result: DatasetDiff;
  try {
    const [ra, rb] = [datasets.readVersion(a), datasets.readVersion(b)];
    result = diffVersions(ra, rb);
    if (options.key !== undefined && result.tabular.length === 0)
      throw new CliError('--key applies to tabular files in both versions, and these versions have none');
    const keys =
      options.key !== undefined ? Object.fromEntries(result.tabular.map((t) => [t.path, options.key!])) : {};
    result = await addRowSamples(result, ra, rb, { a: roots.get(a) ?? [], b: roots.get(b) ?? [] }, { keys });
  } catch (error) {
    if (error instanceof VersionUnavailableError) throw new Error(error.message);
    throw error;
  }
  out.write(options.json ? JSON.stringify(result, null, 2) + '\n' : describeDiff(result));
  return 0;
};

const MAX_FILE_LINES = 50;

/** The diff as text: summary, drift flags, files, then the tabular detail (the panel's order). */
export function describeDiff(d: DatasetDiff): string {
  const lines: string[] = [];
  const c = d.counts;
  lines.push(
    `${shortDigest(d.a.digest)} → ${shortDigest(d.b.digest)}${d.identical ? '  (identical)' : ''}`,
    `  size   ${formatBytes(d.a.size)} → ${formatBytes(d.b.size)}`,
    `  files  ${d.a.files} → ${d.b.files}: ${c.added} added, ${c.deleted} deleted, ${c.modified} modified, ` +
      `${c.renamed} renamed, ${c.unchanged} unchanged`,
  );
  for (const [label, side] of [
    ['a', d.a],
    ['b', d.b],
  ] as const)
    if (side.problems.length)
      lines.push(
        `  ${label} was recorded with ${side.problems.length} problem(s): ${side.problems[0].path}: ${side.problems[0].problem}`,
      );
  if (d.drift.length) {
    lines.push('', 'drift');
    for (const f of d.drift) lines.push(`  ${f.path} ${f.column}: ${f.reasons.join('; ')}`);
  }
  if (d.files.length) {
    lines.push('', 'files');
    const mark = { added: 'A', deleted: 'D', modified: 'M', renamed: 'R' } as const;
    for (const f of d.files.slice(0, MAX_FILE_LINES)) {
      const size =
        f.sizeA !== undefined && f.sizeB !== undefined
          ? `  ${formatBytes(f.sizeA)} → ${formatBytes(f.sizeB)}`
          : '';
      lines.push(
        `  ${mark[f.status]} ${f.from ? `${f.from} → ` : ''}${f.path}${f.status === 'modified' ? size : ''}`,
      );
    }
    if (d.files.length > MAX_FILE_LINES)
      lines.push(`  … ${d.files.length - MAX_FILE_LINES} more (--json lists all)`);
  }
  for (const t of d.tabular) {
    lines.push('', `${t.path}${t.pathA !== t.path ? ` (was ${t.pathA})` : ''}: rows ${t.rowsA} → ${t.rowsB}`);
    const sampled = sampleNote(t);
    if (sampled) lines.push(`  ${sampled}`);
    if (t.columnsAdded.length) lines.push(`  columns added: ${t.columnsAdded.join(', ')}`);
    if (t.columnsRemoved.length) lines.push(`  columns removed: ${t.columnsRemoved.join(', ')}`);
    for (const r of t.retyped) lines.push(`  ${r.name}: ${r.from} → ${r.to}`);
    const rows = t.columns
      .filter((col) => col.a && col.b)
      .map((col) => [
        col.name,
        col.typeB ?? '',
        `${col.a!.nulls} → ${col.b!.nulls}`,
        col.a!.mean !== undefined && col.b!.mean !== undefined
          ? `${fmt(col.a!.mean)} → ${fmt(col.b!.mean)}`
          : '',
        col.psi !== undefined ? fmt(col.psi) : '',
        col.ks !== undefined ? fmt(col.ks) : '',
        col.shareDistance !== undefined ? fmt(col.shareDistance) : '',
        col.flags.length ? 'DRIFT' : '',
      ]);
    if (rows.length)
      lines.push(
        ...table(['COLUMN', 'TYPE', 'NULLS', 'MEAN', 'PSI', 'KS', 'SHARES', ''], rows)
          .trimEnd()
          .split('\n')
          .map((line) => `  ${line}`),
      );
    if (t.rows) lines.push(...describeRows(t.rows));
  }
  return lines.join('\n') + '\n';
}

/** The row sample of one file: counts, then the sampled rows as `+` added, `-` removed, `~` changed. */
export function describeRows(r: RowSample): string[] {
  const lines = [''];
  if (!r.counts) {
    lines.push(`  rows: ${r.note ?? 'no sample'}`);
    if (r.keyCandidates.length && !r.key)
      lines.push(`  (--key COLUMN, one of: ${r.keyCandidates.join(', ')})`);
    return lines;
  }
  const c = r.counts;
  lines.push(
    `  rows by ${r.key} (${r.keySource === 'chosen' ? 'chosen' : 'found'}): ${c.added} added, ${c.removed} removed, ` +
      `${c.changed} changed, ${c.unchanged} unchanged` +
      (c.added > r.limit || c.removed > r.limit || c.changed > r.limit
        ? ` (showing at most ${r.limit} of each)`
        : ''),
  );
  if (r.note) lines.push(`  note: ${r.note}`);
  const cells = (row: Record<string, string>) => r.columns.map((col) => oneLine(row[col] ?? ''));
  const body: string[][] = [
    ...r.added.map((x) => ['+', ...cells(x.values)]),
    ...r.removed.map((x) => ['-', ...cells(x.values)]),
    ...r.changed.flatMap((x) => [
      [
        '~',
        ...r.columns.map((col) =>
          x.changed.includes(col) ? `${x.a[col] ?? ''} → ${x.b[col] ?? ''}` : (x.b[col] ?? ''),
        ),
      ],
    ]),
  ];
  if (body.length)
    lines.push(
      ...table(['', ...r.columns], body)
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
    );
  return lines;
}

const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));

export const datasets: Command = async (args, options, out) => {
  const [sub, ...rest] = args;
  if (sub === 'ls') return ls(rest, options, out);
  if (sub === 'diff') return diff(rest, options, out);
  throw new CliError(`datasets needs ls or diff${sub ? `, not "${sub}"` : ''}\n\n${datasetsUsage}`);
};

const oneLine = (text: string) => text.replace(/\r?\n|\r/g, '↵');
