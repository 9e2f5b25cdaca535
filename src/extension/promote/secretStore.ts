import * as vscode from 'vscode';
import { SECRET_KEYS, type SecretKey, type SecretSource } from '../../core/promote/secrets';

const LABELS: Record<SecretKey, string> = {
  registryUsername: 'Registry user name',
  registryPassword: 'Registry password',
  registryToken: 'Registry token (used as Bearer, e.g. a GitHub token for ghcr.io)',
  pipelineToken: 'Pipeline token (GitHub token with Actions: write, or GitLab trigger token)',
  gitlabApiToken: 'GitLab API token (to follow pipeline status)',
  webhookSecret: 'Webhook signing secret (whsec_…)',
};

const keyOf = (target: string, key: SecretKey) => `runlog.promote.${target}.${key}`;

/** Promotion secrets in VS Code's SecretStorage (the OS keychain), one entry per target and kind. */
export function secretStorageSource(secrets: vscode.SecretStorage): SecretSource {
  return { get: async (target, key) => (await secrets.get(keyOf(target, key))) || undefined };
}

/** "Runlog: Set Registry Credentials…": pick the target and the secret, enter it (or clear it). */
export async function setRegistryCredentials(
  secrets: vscode.SecretStorage,
  targets: string[],
  preset?: { target: string; key: SecretKey; value: string },
): Promise<void> {
  if (preset) {
    await secrets.store(keyOf(preset.target, preset.key), preset.value);
    return;
  }
  const target =
    targets.length === 1
      ? targets[0]
      : await vscode.window.showQuickPick(targets.length ? targets : ['cli'], {
          placeHolder: 'Credentials for which target?',
        });
  if (!target) return;
  const items = (Object.keys(SECRET_KEYS) as SecretKey[]).map((key) => ({ label: LABELS[key], key }));
  const chosen = await vscode.window.showQuickPick(items, { placeHolder: `Which secret of ${target}?` });
  if (!chosen) return;
  const value = await vscode.window.showInputBox({
    prompt: `${chosen.label} for ${target} (kept in the OS keychain, never in a file; empty clears it)`,
    password: chosen.key !== 'registryUsername',
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  if (value === '') await secrets.delete(keyOf(target, chosen.key));
  else await secrets.store(keyOf(target, chosen.key), value);
  void vscode.window.showInformationMessage(`${chosen.label} for ${target} ${value ? 'saved' : 'cleared'}.`);
}
