import { writeFileSync } from 'node:fs';
import { diffJson, formatDiff, prepareComparison } from '../core/compare';
import { formatDuration, formatValue, primaryMetric, runDuration } from '../core/format';
import { discoverStore } from '../core/store/discovery';
import { readAllMetrics } from '../core/store/metricsReader';
import { RunIndex } from '../core/store/runIndex';
import { RunStore } from '../core/store/runStore';
import type { MetricPoint, RunDocument, RunEntry } from '../core/store/types';
import { encodeNumber } from '../core/store/values';

/** A mistake in how the command was called (exit code 2), as opposed to a failure while running it (1). */
export class CliError extends Error {}

export const usage = `Usage: runlog <command> [options]

Commands:
  ls [--json]                          list runs, newest first
  show <run> [--json]                  one run: status, params, metrics, capture, datasets, artifacts
  export <run> --format csv|json [-o FILE]
                                       a run's metric points (csv: key,step,value,time) or everything (json)
  diff <runA> <runB> [<run>...] [--all] [--json]
                                       params and metrics side by side; changes against the first run

<run> is a run id, a unique prefix or suffix of one, or a run name.
Options:
  --store PATH   the store folder (default: $RUNLOG_STORE, else the nearest .runlog above this folder)
  --version, -h/--help`;

interface Options {
  store?: string;
  json?: boolean;
  format?: string;
  output?: string;
  all?: boolean;
}
interface Out {
  write(text: string): unknown;
}
type Command = (args: string[], options: Options, out: Out) => Promise<number>;

export function openStore(options: Options): RunStore {
  const root = options.store ?? discoverStore(process.cwd());
  if (!root)
    throw new CliError(
      'no .runlog store here or in any parent folder; pass --store PATH or set RUNLOG_STORE',
    );
  return new RunStore(root);
}

export async function resolveOne(
  store: RunStore,
  reference: string | undefined,
): Promise<RunEntry & { kind: 'run' }> {
  if (!reference) throw new CliError('which run? Give a run id, id prefix or suffix, or name');
  const matches = await store.resolve(reference);
  if (matches.length === 0) throw new CliError(`no run matches "${reference}" in ${store.root}`);
  if (matches.length > 1) {
    throw new CliError(
      `"${reference}" matches ${matches.length} runs: ${matches.map((m) => m.id).join(', ')}`,
    );
  }
  const [entry] = matches;
  if (entry.kind !== 'run') throw new Error(`run ${entry.id} cannot be read: ${entry.reason}`);
  return entry;
}

const ls: Command = async (_args, options, out) => {
  const store = openStore(options);
  const index = new RunIndex(store);
  await index.load();
  const entries = index.list();
  if (options.json) {
    out.write(JSON.stringify(entries.map(summaryOf), null, 2) + '\n');
    return 0;
  }
  if (entries.length === 0) {
    out.write(`No runs in ${store.root}\n`);
    return 0;
  }
  const rows = entries.map((entry) => {
    if (entry.kind === 'unreadable') return [entry.id, '', '', 'unreadable', '', entry.reason];
    const { doc } = entry;
    const metric = primaryMetric(doc, '');
    return [
      entry.id,
      doc.name,
      doc.experiment,
      doc.status,
      formatDuration(runDuration(doc)),
      metric ? `${metric[0]}=${formatValue(metric[1].last)}` : '',
    ];
  });
  out.write(table(['ID', 'NAME', 'EXPERIMENT', 'STATUS', 'DURATION', 'METRIC'], rows));
  return 0;
};

function summaryOf(entry: RunEntry) {
  if (entry.kind === 'unreadable') return { id: entry.id, unreadable: entry.reason };
  const { doc } = entry;
  return {
    id: doc.id,
    name: doc.name,
    experiment: doc.experiment,
    status: doc.status,
    startTime: doc.startTime,
    endTime: doc.endTime ?? null,
    durationSec: runDuration(doc),
    params: doc.params,
    tags: doc.tags,
    metrics: Object.fromEntries(Object.entries(doc.metrics).map(([key, summary]) => [key, summary.last])),
  };
}

const show: Command = async (args, options, out) => {
  const store = openStore(options);
  const { doc } = await resolveOne(store, args[0]);
  if (options.json) {
    out.write(JSON.stringify(doc, null, 2) + '\n');
    return 0;
  }
  out.write(describe(doc));
  return 0;
};

function describe(doc: RunDocument): string {
  const lines = [
    `${doc.name}  (${doc.id})`,
    `  experiment  ${doc.experiment}`,
    `  status      ${doc.status}${doc.capture.exitCode != null ? ` (exit ${doc.capture.exitCode})` : ''}`,
    `  started     ${doc.startTime}`,
    `  duration    ${formatDuration(runDuration(doc))}`,
  ];
  if (doc.capture.command) lines.push(`  command     ${doc.capture.command.join(' ')}`);
  if (doc.capture.git) {
    const git = doc.capture.git;
    lines.push(
      `  git         ${git.commit?.slice(0, 12) ?? '?'} on ${git.branch ?? '?'}${git.dirty ? ' (dirty)' : ''}`,
    );
  }
  if (doc.capture.python?.version)
    lines.push(`  python      ${doc.capture.python.version} (${doc.capture.python.executable})`);
  if (doc.error) lines.push(`  error       ${doc.error.type}: ${doc.error.message}`);
  const section = (title: string, rows: string[][]) => {
    if (rows.length === 0) return;
    lines.push(
      '',
      title,
      ...table([], rows)
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
    );
  };
  section(
    'params',
    Object.entries(doc.params).map(([k, v]) => [k, String(v)]),
  );
  section(
    'tags',
    Object.entries(doc.tags).map(([k, v]) => [k, v]),
  );
  section(
    'metrics (last / min / max / count)',
    Object.entries(doc.metrics).map(([k, m]) => [
      k,
      formatValue(m.last),
      formatValue(m.min),
      formatValue(m.max),
      String(m.count),
    ]),
  );
  section(
    'datasets',
    doc.datasets.map((d) => [d.name, d.role, d.digest.slice(0, 12), d.path]),
  );
  section(
    'artifacts',
    doc.artifacts.map((a) => [a.path, `${a.size} B`]),
  );
  return lines.join('\n') + '\n';
}

const exportRun: Command = async (args, options, out) => {
  const format = options.format ?? 'csv';
  if (format !== 'csv' && format !== 'json')
    throw new CliError(`--format must be csv or json, not "${format}"`);
  const store = openStore(options);
  const { doc, id } = await resolveOne(store, args[0]);
  const metrics = await readAllMetrics(store.layout.metricsFile(id));
  const text = format === 'csv' ? toCsv(metrics) : toJson(doc, metrics);
  if (options.output) writeFileSync(options.output, text);
  else out.write(text);
  return 0;
};

function toCsv(metrics: Map<string, MetricPoint[]>): string {
  const lines = ['key,step,value,time'];
  for (const [key, points] of metrics) {
    for (const p of points)
      lines.push(`${csvField(key)},${p.step},${String(encodeNumber(p.value))},${p.time}`);
  }
  return lines.join('\n') + '\n';
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toJson(doc: RunDocument, metrics: Map<string, MetricPoint[]>): string {
  const series = Object.fromEntries(
    [...metrics].map(([key, points]) => [
      key,
      points.map((p) => ({ step: p.step, value: encodeNumber(p.value), time: p.time })),
    ]),
  );
  return JSON.stringify({ run: doc, metrics: series }, null, 2) + '\n';
}

export function table(header: string[], rows: string[][]): string {
  const all = header.length > 0 ? [header, ...rows] : rows;
  const widths = all[0].map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return (
    all
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

const diff: Command = async (args, options, out) => {
  if (args.length < 2) throw new CliError('diff needs at least two runs: runlog diff <runA> <runB> [...]');
  const store = openStore(options);
  const runs: RunDocument[] = [];
  for (const reference of args) runs.push((await resolveOne(store, reference)).doc);
  const comparison = prepareComparison(runs, () => undefined);
  out.write(
    options.json
      ? JSON.stringify(diffJson(comparison), null, 2) + '\n'
      : formatDiff(comparison, { all: options.all }),
  );
  return 0;
};

export const commands: Record<string, Command> = { ls, show, export: exportRun, diff };
