import { createWriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { exportMetricsCsv, exportRunJson, type Sink } from '../core/export/runExport';
import { diffJson, formatDiff, prepareComparison } from '../core/compare';
import { table as textTable } from '../core/compare/diffText';
import type { Goal } from '../core/compare/goals';
import { findSettingsFile, parseGoalOption, readGoalsFile } from '../core/compare/goalsFile';
import { formatDuration, formatValue, primaryMetric, runDuration } from '../core/format';
import { discoverStore } from '../core/store/discovery';
import { RunIndex } from '../core/store/runIndex';
import { RunStore } from '../core/store/runStore';
import type { ReadableRun, RunDocument, RunEntry } from '../core/store/types';
import { datasets, datasetsUsage } from './datasetsCommand';

/** A mistake in how the command was called (exit code 2), as opposed to a failure while running it (1). */
export class CliError extends Error {}

export const usage = `Usage: runlog <command> [options]

Commands:
  ls [--json]                          list runs, newest first
  show <run> [--json]                  one run: status, params, metrics, capture, datasets, artifacts
  export <run> --format csv|json [-o FILE]
                                       a run's metric points (csv: key,step,value,time) or everything (json)
  diff <runA> <runB> [<run>...] [--all] [--json] [--goal NAME=min|max]...
                                       params and metrics side by side; changes against the first run.
                                       Goals: --goal, else runlog.metricGoals in .vscode/settings.json
                                       (beside the store, else above this folder), else guessed
${datasetsUsage}

<run> is a run id, a unique prefix or suffix of one, or a run name.
Options:
  --store PATH   the store folder (default: $RUNLOG_STORE, else the nearest .runlog above this folder)
  --version, -h/--help

Reading changes no file: a run whose process died shows as crashed without being rewritten.`;

export interface Options {
  store?: string;
  json?: boolean;
  format?: string;
  output?: string;
  /** The folder the command was run from (INIT_CWD under npx/npm exec, which change the working folder). */
  cwd?: string;
  all?: boolean;
  /** `datasets diff --key COLUMN`: the key column of the row sample. */
  key?: string;
  /** `--goal name=min|max`, repeatable (runlog diff). */
  goal?: string[];
  /** Warnings that do not stop the command (default: standard error). */
  warn?: (message: string) => void;
}
export interface Out {
  write(text: string): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}
export type Command = (args: string[], options: Options, out: Out) => Promise<number>;

/** The folder a command line means: npm exec/npx run bins from the package folder but set INIT_CWD to the caller's. */
export function invocationFolder(env: Record<string, string | undefined> = process.env): string {
  return env.INIT_CWD && env.INIT_CWD !== '' ? env.INIT_CWD : process.cwd();
}

export function openStore(options: Options): RunStore {
  const cwd = options.cwd ?? invocationFolder();
  const root = options.store !== undefined ? resolve(cwd, options.store) : discoverStore(cwd);
  if (!root)
    throw new CliError(
      `no .runlog store in ${cwd} or any parent folder; pass --store PATH or set RUNLOG_STORE`,
    );
  return new RunStore(root);
}

/** Writes with back-pressure: waits for 'drain' when the stream's buffer is full. */
function sinkOf(out: Out): Sink {
  return {
    write: (text) =>
      new Promise<void>((done) => {
        if (out.write(text) === false && out.once) out.once('drain', done);
        else done();
      }),
  };
}

export async function resolveOne(store: RunStore, reference: string | undefined): Promise<ReadableRun> {
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
  const entry = await resolveOne(store, args[0]);
  if (options.json) {
    out.write(JSON.stringify(entry.doc, null, 2) + '\n');
    return 0;
  }
  out.write(describe(entry));
  return 0;
};

function describe({ doc, crash, problems }: ReadableRun): string {
  const exit = doc.capture.exitCode != null ? ` (exit ${doc.capture.exitCode})` : '';
  const lines = [
    `${doc.name}  (${doc.id})`,
    `  experiment  ${doc.experiment}`,
    `  status      ${doc.status}${exit}${crash ? ` (${crash}; run.json still says running)` : ''}`,
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
  section(
    'read with problems (shown as corrected; run.json unchanged)',
    (problems ?? []).map((p) => [p.field, p.problem]),
  );
  return lines.join('\n') + '\n';
}

const exportRun: Command = async (args, options, out) => {
  const format = options.format ?? 'csv';
  if (format !== 'csv' && format !== 'json')
    throw new CliError(`--format must be csv or json, not "${format}"`);
  const store = openStore(options);
  const { doc, id } = await resolveOne(store, args[0]);
  const metricsFile = store.layout.metricsFile(id);
  const write = (sink: Sink) =>
    format === 'csv' ? exportMetricsCsv(metricsFile, sink) : exportRunJson(doc, metricsFile, sink);
  if (!options.output) {
    await write(sinkOf(out));
    return 0;
  }
  const file = createWriteStream(resolve(options.cwd ?? invocationFolder(), options.output));
  const failed = new Promise<never>((_, reject) => file.once('error', reject));
  failed.catch(() => undefined); // reported through the races below
  await Promise.race([write(sinkOf(file)), failed]);
  await Promise.race([new Promise<void>((done) => file.end(done)), failed]);
  return 0;
};

/** A plain-text table (one implementation, shared with `runlog diff`). */
export function table(header: string[], rows: string[][]): string {
  return textTable(header.length > 0 ? [header, ...rows] : rows);
}

const diff: Command = async (args, options, out) => {
  if (args.length < 2) throw new CliError('diff needs at least two runs: runlog diff <runA> <runB> [...]');
  const store = openStore(options);
  const runs: RunDocument[] = [];
  for (const reference of args) runs.push((await resolveOne(store, reference)).doc);
  const { goals, origins } = diffGoals(store, options);
  const comparison = prepareComparison(runs, () => undefined, { goals });
  out.write(
    options.json
      ? JSON.stringify(diffJson(comparison, { origins }), null, 2) + '\n'
      : formatDiff(comparison, { all: options.all, goals: { origins } }),
  );
  return 0;
};

/**
 * Goals for `runlog diff`: runlog.metricGoals from the workspace's .vscode/settings.json (the folder holding the
 * store, else the nearest one above the current folder), overridden by `--goal name=min|max`; the rest are guessed.
 */
function diffGoals(
  store: RunStore,
  options: Options,
): { goals: Map<string, Goal>; origins: Map<string, string> } {
  const flags = (options.goal ?? []).map((text) => {
    try {
      return parseGoalOption(text);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  });
  const goals = new Map<string, Goal>();
  const origins = new Map<string, string>();
  const file = findSettingsFile([dirname(store.root), options.cwd ?? invocationFolder()]);
  if (file) {
    const read = readGoalsFile(file);
    const warn = options.warn ?? ((message: string) => process.stderr.write(`runlog: ${message}\n`));
    for (const problem of read.problems) warn(problem);
    for (const [name, goal] of read.goals) {
      goals.set(name, goal);
      origins.set(name, file);
    }
  }
  for (const [name, goal] of flags) {
    goals.set(name, goal);
    origins.set(name, '--goal');
  }
  return { goals, origins };
}

export const commands: Record<string, Command> = { ls, show, export: exportRun, diff, datasets };
