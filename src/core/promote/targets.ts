// Promotion targets: a workspace file users commit (`runlog.targets.json`, or `.vscode/runlog-targets.json`).
// It names registries, gates and pipelines; never secrets (those come from SecretStorage or the environment).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseRepository } from './reference';

export const TARGETS_FILES = ['runlog.targets.json', join('.vscode', 'runlog-targets.json')];

export type PipelineConfig =
  | {
      type: 'github';
      /** owner/repo */
      repository: string;
      /** workflow file name (deploy.yml) or id */
      workflow: string;
      ref?: string;
      apiUrl?: string;
      follow?: boolean;
      timeoutSeconds?: number;
    }
  | {
      type: 'gitlab';
      /** numeric id or url-encoded path (group/project) */
      project: string;
      ref?: string;
      url?: string;
      follow?: boolean;
      timeoutSeconds?: number;
    }
  | { type: 'webhook'; url: string; allowInsecureHttp?: boolean }
  | { type: 'command'; command: string[]; cwd?: string; timeoutSeconds?: number };

export interface Target {
  name: string;
  /** OCI repository, host[:port]/name */
  registry: string;
  /** plain HTTP to a registry that is not on this machine */
  insecureHttp?: boolean;
  /** query expressions (all must hold), e.g. "metrics.acc >= 0.9" */
  gates: string[];
  /** aliases offered when promoting (any other name is allowed too) */
  aliases: string[];
  /** the ModelKit's package name (default: the repository's last path segment) */
  packageName?: string;
  pipeline?: PipelineConfig;
}

export class TargetsFileError extends Error {}

/** The targets file for a workspace: the first of TARGETS_FILES found in `dir` or a parent folder. */
export function findTargetsFile(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    for (const name of TARGETS_FILES) {
      const file = join(current, name);
      if (existsSync(file)) return file;
    }
    if (dirname(current) === current) return undefined;
  }
}

export function readTargets(file: string): Target[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TargetsFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseTargets(raw, file);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const SECRET_KEYS = /^(password|token|secret|apiToken|triggerToken|username)$/i;

export function parseTargets(raw: unknown, file = 'the targets file'): Target[] {
  if (!isObject(raw) || !isObject(raw.targets)) {
    throw new TargetsFileError(
      `${file} must hold {"targets": {"<name>": {"registry": "host/repository", …}}}`,
    );
  }
  return Object.entries(raw.targets).map(([name, value]) => parseTarget(name, value, file));
}

function parseTarget(name: string, value: unknown, file: string): Target {
  const where = `${file}: target "${name}"`;
  if (!isObject(value)) throw new TargetsFileError(`${where} must be an object`);
  for (const key of Object.keys(value)) {
    if (SECRET_KEYS.test(key)) {
      throw new TargetsFileError(
        `${where} has "${key}": secrets do not belong in a committed file. Use "Runlog: Set Registry Credentials…" or environment variables (docs/promote.md).`,
      );
    }
  }
  if (typeof value.registry !== 'string')
    throw new TargetsFileError(`${where} needs "registry": "host/repository"`);
  try {
    parseRepository(value.registry);
  } catch (error) {
    throw new TargetsFileError(`${where}: ${(error as Error).message}`);
  }
  const strings = (key: string): string[] => {
    const list = value[key] ?? [];
    if (!Array.isArray(list) || list.some((g) => typeof g !== 'string')) {
      throw new TargetsFileError(`${where}: "${key}" must be a list of strings`);
    }
    return list as string[];
  };
  const target: Target = {
    name,
    registry: value.registry,
    gates: strings('gates'),
    aliases: strings('aliases'),
  };
  if (value.insecureHttp !== undefined) target.insecureHttp = value.insecureHttp === true;
  if (typeof value.packageName === 'string') target.packageName = value.packageName;
  if (value.pipeline !== undefined) target.pipeline = parsePipeline(value.pipeline, where);
  return target;
}

function parsePipeline(value: unknown, where: string): PipelineConfig {
  if (!isObject(value)) throw new TargetsFileError(`${where}: "pipeline" must be an object`);
  for (const key of Object.keys(value)) {
    if (SECRET_KEYS.test(key)) {
      throw new TargetsFileError(
        `${where}: pipeline has "${key}": secrets do not belong in a committed file (docs/promote.md)`,
      );
    }
  }
  const need = (key: string): string => {
    if (typeof value[key] !== 'string' || !value[key]) {
      throw new TargetsFileError(`${where}: a ${String(value.type)} pipeline needs "${key}"`);
    }
    return value[key];
  };
  const optional = <T>(key: string, type: string): T | undefined => {
    if (value[key] === undefined) return undefined;
    if (typeof value[key] !== type)
      throw new TargetsFileError(`${where}: pipeline "${key}" must be a ${type}`);
    return value[key] as T;
  };
  switch (value.type) {
    case 'github': {
      const repository = need('repository');
      if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
        throw new TargetsFileError(`${where}: pipeline "repository" must be owner/repo`);
      }
      return {
        type: 'github',
        repository,
        workflow: need('workflow'),
        ref: optional<string>('ref', 'string'),
        apiUrl: optional<string>('apiUrl', 'string'),
        follow: optional<boolean>('follow', 'boolean'),
        timeoutSeconds: optional<number>('timeoutSeconds', 'number'),
      };
    }
    case 'gitlab':
      return {
        type: 'gitlab',
        project: typeof value.project === 'number' ? String(value.project) : need('project'),
        ref: optional<string>('ref', 'string'),
        url: optional<string>('url', 'string'),
        follow: optional<boolean>('follow', 'boolean'),
        timeoutSeconds: optional<number>('timeoutSeconds', 'number'),
      };
    case 'webhook':
      return {
        type: 'webhook',
        url: need('url'),
        allowInsecureHttp: optional<boolean>('allowInsecureHttp', 'boolean'),
      };
    case 'command': {
      const command = value.command;
      if (!Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== 'string')) {
        throw new TargetsFileError(`${where}: a command pipeline needs "command": ["program", "arg", …]`);
      }
      return {
        type: 'command',
        command: command as string[],
        cwd: optional<string>('cwd', 'string'),
        timeoutSeconds: optional<number>('timeoutSeconds', 'number'),
      };
    }
    default:
      throw new TargetsFileError(`${where}: pipeline "type" must be github, gitlab, webhook or command`);
  }
}
