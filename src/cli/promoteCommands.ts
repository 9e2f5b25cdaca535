// `runlog promote`, `runlog rollback`, `runlog versions`: the editor's promotion flow without prompts, for CI.
// Own argument parsing: here `--version` takes a value (the model version), unlike `runlog --version`.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { gitUser, readAudit } from '../core/promote/audit';
import { describeAuditRecord, filterAudit } from '../core/promote/auditText';
import { describeFailures } from '../core/promote/gates';
import {
  defaultModelArtifacts,
  GatesFailedError,
  promote,
  rollback,
  type PromoteProgress,
} from '../core/promote/promote';
import { queryGates } from '../core/promote/queryGates';
import { parseRepository } from '../core/promote/reference';
import { RegistryClient } from '../core/promote/registryClient';
import { listRegistryVersions } from '../core/promote/registryVersions';
import { envSecrets, pipelineSecrets, registryCredentials } from '../core/promote/secrets';
import { findTargetsFile, readTargets, type Target } from '../core/promote/targets';
import { suggestNextVersion } from '../core/promote/versions';
import type { RunStore } from '../core/store/runStore';
import { CliError, openStore, resolveOne, table } from './commands';
import { dirname } from 'node:path';

export const PROMOTE_COMMANDS = ['promote', 'rollback', 'versions', 'audit'];

export const promoteUsage = `
Promotion (docs/promote.md):
  promote <run> (--target NAME | --registry HOST/REPO) [--version V] [--alias A] [--artifact PATH]...
          [--yes] [--override-gates] [--json]
                                       push the run's model as a ModelKit, tag V (next minor suggested),
                                       move alias A, trigger the target's pipeline; gates apply
  rollback (--target NAME | --registry HOST/REPO) --version V --alias A [--yes]
                                       point alias A back at version V and re-trigger the pipeline
  versions (--target NAME | --registry HOST/REPO) [--json]
                                       a target's versions with their aliases, runs and last pipeline
  audit [<run>] [--json]               the promotion audit trail (.runlog/audit.jsonl), of one run or all
  Credentials come from RUNLOG_<TARGET>_REGISTRY_USERNAME/_PASSWORD/_TOKEN, else RUNLOG_REGISTRY_*;
  pipelines from RUNLOG_PIPELINE_TOKEN, RUNLOG_GITLAB_API_TOKEN, RUNLOG_WEBHOOK_SECRET.`;

interface Out {
  write(text: string): unknown;
}

interface PromoteOptions {
  store?: string;
  target?: string;
  registry?: string;
  version?: string;
  alias?: string;
  artifact?: string[];
  yes?: boolean;
  'override-gates'?: boolean;
  'insecure-http'?: boolean;
  json?: boolean;
}

function parse(argv: string[]): { positionals: string[]; options: PromoteOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      target: { type: 'string' },
      registry: { type: 'string' },
      version: { type: 'string' },
      alias: { type: 'string' },
      artifact: { type: 'string', multiple: true },
      yes: { type: 'boolean', short: 'y' },
      'override-gates': { type: 'boolean' },
      'insecure-http': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  return { positionals, options: values };
}

/** The named target from the workspace's targets file, or an ad-hoc one for --registry (no gates, no pipeline). */
export function resolveTarget(options: PromoteOptions, store: RunStore, cwd = process.cwd()): Target {
  if (options.target && options.registry) throw new CliError('give --target or --registry, not both');
  if (options.registry) {
    try {
      parseRepository(options.registry);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    return {
      name: 'cli',
      registry: options.registry,
      gates: [],
      aliases: [],
      insecureHttp: options['insecure-http'],
    };
  }
  if (!options.target)
    throw new CliError(
      'which registry? Give --target NAME (from runlog.targets.json) or --registry HOST/REPO',
    );
  const file = findTargetsFile(cwd) ?? findTargetsFile(dirname(store.root));
  if (!file)
    throw new CliError(
      `no runlog.targets.json here or above; create one (docs/promote.md) or use --registry`,
    );
  const targets = readTargets(file);
  const target = targets.find((t) => t.name === options.target);
  if (!target) {
    throw new CliError(
      `no target "${options.target}" in ${file}; it has: ${targets.map((t) => t.name).join(', ') || 'none'}`,
    );
  }
  return target;
}

async function confirm(question: string, options: PromoteOptions): Promise<void> {
  if (options.yes) return;
  if (!process.stdin.isTTY)
    throw new CliError(`${question}\nnot confirmed: pass --yes to promote without a prompt`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('cancelled');
  } finally {
    rl.close();
  }
}

const progressLine = (progress: PromoteProgress) =>
  process.stderr.write(
    `${progress.message}${progress.fraction !== undefined ? ` ${Math.round(progress.fraction * 100)}%` : ''}\n`,
  );

async function promoteCommand(args: string[], options: PromoteOptions, out: Out): Promise<number> {
  const store = openStore(options);
  const run = await resolveOne(store, args[0]);
  const target = resolveTarget(options, store);
  const secrets = envSecrets();
  const credentials = await registryCredentials(secrets, target.name);
  let artifacts = defaultModelArtifacts(run);
  if (options.artifact?.length) {
    artifacts = options.artifact.map((wanted) => {
      const found = run.doc.artifacts.find(
        (a) => a.path === wanted || a.path === `artifacts/${wanted}` || a.model?.name === wanted,
      );
      if (!found) {
        throw new CliError(
          `run ${run.doc.name} has no artifact "${wanted}"; it has: ${run.doc.artifacts.map((a) => a.path).join(', ') || 'none'}`,
        );
      }
      return found;
    });
  }
  const version =
    options.version ??
    suggestNextVersion(
      await new RegistryClient(parseRepository(target.registry), {
        credentials,
        allowInsecureHttp: target.insecureHttp,
      }).listTags(),
    );
  await confirm(
    `Promote run ${run.doc.name} (${run.id}) as ${target.registry}:${version}${options.alias ? `, moving ${options.alias}` : ''}?`,
    options,
  );
  try {
    const result = await promote({
      storeRoot: store.root,
      run,
      target,
      artifacts,
      version,
      alias: options.alias,
      credentials,
      pipelineSecrets: await pipelineSecrets(secrets, target.name),
      evaluateGate: queryGates,
      overrideGates: options['override-gates'],
      user: await gitUser(process.cwd()),
      onProgress: options.json || !process.stderr.isTTY ? undefined : progressLine,
    });
    if (options.json) out.write(JSON.stringify(result, null, 2) + '\n');
    else {
      if (result.override)
        out.write(`gates overridden (recorded in the audit log):\n${describeFailures(result.gates)}\n`);
      out.write(
        `pushed ${result.reference}\n  version ${version}${options.alias ? `, alias ${options.alias}` : ''}\n`,
      );
      if (result.pipeline)
        out.write(
          `pipeline: ${result.pipeline.ok ? 'ok' : 'FAILED'}: ${result.pipeline.message}${result.pipeline.url ? ` (${result.pipeline.url})` : ''}\n`,
        );
    }
    return result.pipeline && !result.pipeline.ok ? 1 : 0;
  } catch (error) {
    if (error instanceof GatesFailedError) {
      throw new Error(`${error.message}\nPromote anyway with --override-gates (recorded in the audit log).`);
    }
    throw error;
  }
}

async function rollbackCommand(_args: string[], options: PromoteOptions, out: Out): Promise<number> {
  const store = openStore(options);
  const target = resolveTarget(options, store);
  if (!options.version || !options.alias) throw new CliError('rollback needs --version V and --alias A');
  await confirm(`Point ${target.registry}:${options.alias} at version ${options.version}?`, options);
  const secrets = envSecrets();
  const result = await rollback({
    storeRoot: store.root,
    target,
    version: options.version,
    alias: options.alias,
    credentials: await registryCredentials(secrets, target.name),
    pipelineSecrets: await pipelineSecrets(secrets, target.name),
    user: await gitUser(process.cwd()),
    onProgress: options.json || !process.stderr.isTTY ? undefined : progressLine,
  });
  if (options.json) out.write(JSON.stringify(result, null, 2) + '\n');
  else {
    out.write(`${options.alias} → ${options.version} (${result.reference})\n`);
    if (result.pipeline)
      out.write(`pipeline: ${result.pipeline.ok ? 'ok' : 'FAILED'}: ${result.pipeline.message}\n`);
  }
  return result.pipeline && !result.pipeline.ok ? 1 : 0;
}

async function versionsCommand(_args: string[], options: PromoteOptions, out: Out): Promise<number> {
  const store = openStore(options);
  const target = resolveTarget(options, store);
  const secrets = envSecrets();
  const client = new RegistryClient(parseRepository(target.registry), {
    credentials: await registryCredentials(secrets, target.name),
    allowInsecureHttp: target.insecureHttp,
  });
  const versions = await listRegistryVersions(client, await readAudit(store.root));
  if (options.json) {
    out.write(JSON.stringify(versions, null, 2) + '\n');
    return 0;
  }
  if (versions.length === 0) {
    out.write(`No versions in ${target.registry}\n`);
    return 0;
  }
  out.write(
    table(
      ['VERSION', 'ALIASES', 'DIGEST', 'RUN', 'CREATED', 'PIPELINE'],
      versions.map((v) => [
        v.tag,
        v.aliases.join(','),
        v.digest.slice(7, 19),
        v.runName ?? v.runId ?? '',
        v.created?.slice(0, 19).replace('T', ' ') ?? '',
        v.lastPipeline ? v.lastPipeline.status : '',
      ]),
    ),
  );
  return 0;
}

async function auditCommand(args: string[], options: PromoteOptions, out: Out): Promise<number> {
  const store = openStore(options);
  const runId = args[0] ? (await resolveOne(store, args[0])).id : undefined;
  const records = filterAudit(await readAudit(store.root), runId);
  if (options.json) out.write(JSON.stringify(records, null, 2) + '\n');
  else if (records.length === 0) out.write(`No promotions recorded${runId ? ` for run ${runId}` : ''}\n`);
  else out.write(records.map(describeAuditRecord).join('\n') + '\n');
  return 0;
}

export async function runPromoteCli(argv: string[], out: Out): Promise<number> {
  const [name, ...rest] = argv;
  const { positionals, options } = parse(rest);
  if (name === 'audit') return auditCommand(positionals, options, out);
  if (name === 'promote') return promoteCommand(positionals, options, out);
  if (name === 'rollback') return rollbackCommand(positionals, options, out);
  return versionsCommand(positionals, options, out);
}
