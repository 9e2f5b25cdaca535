// Where credentials come from: VS Code's SecretStorage in the editor, environment variables in the CLI and CI.
import type { RegistryCredentials } from './auth';
import type { PipelineSecrets } from './pipelines';

export const SECRET_KEYS = {
  registryUsername: 'REGISTRY_USERNAME',
  registryPassword: 'REGISTRY_PASSWORD',
  registryToken: 'REGISTRY_TOKEN',
  pipelineToken: 'PIPELINE_TOKEN',
  gitlabApiToken: 'GITLAB_API_TOKEN',
  webhookSecret: 'WEBHOOK_SECRET',
} as const;

export type SecretKey = keyof typeof SECRET_KEYS;

export interface SecretSource {
  get(target: string, key: SecretKey): Promise<string | undefined>;
}

/** RUNLOG_<TARGET>_<KEY> (target name upper-cased, non-alphanumerics as _), else RUNLOG_<KEY>. */
export function envSecretName(target: string, key: SecretKey): string {
  return `RUNLOG_${target.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${SECRET_KEYS[key]}`;
}

export function envSecrets(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return {
    get: (target, key) =>
      Promise.resolve(env[envSecretName(target, key)] || env[`RUNLOG_${SECRET_KEYS[key]}`] || undefined),
  };
}

export async function registryCredentials(
  source: SecretSource,
  target: string,
): Promise<RegistryCredentials> {
  const [username, password, token] = await Promise.all([
    source.get(target, 'registryUsername'),
    source.get(target, 'registryPassword'),
    source.get(target, 'registryToken'),
  ]);
  return { username, password, token };
}

export async function pipelineSecrets(source: SecretSource, target: string): Promise<PipelineSecrets> {
  const [token, apiToken, webhookSecret] = await Promise.all([
    source.get(target, 'pipelineToken'),
    source.get(target, 'gitlabApiToken'),
    source.get(target, 'webhookSecret'),
  ]);
  return { token, apiToken, webhookSecret };
}
