import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { findTargetsFile, readTargets, type Target } from '../../core/promote/targets';
import { UserError } from '../context';

export function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** The workspace's targets (runlog.targets.json or .vscode/runlog-targets.json); [] when there is no file. */
export function loadTargets(): { file?: string; targets: Target[] } {
  const folder = workspaceFolder();
  if (!folder) return { targets: [] };
  const file = findTargetsFile(folder);
  if (!file) return { targets: [] };
  try {
    return { file, targets: readTargets(file) };
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

const TEMPLATE = {
  targets: {
    staging: {
      registry: 'localhost:5000/my-model',
      gates: ['status == "finished"', 'git.dirty == false'],
      aliases: ['staging', 'production'],
    },
  },
};

/** Opens the targets file, creating a commented-by-example one first when the workspace has none. */
export async function editTargets(): Promise<void> {
  const folder = workspaceFolder();
  if (!folder)
    throw new UserError(
      'Open a folder first: promotion targets live in the workspace (runlog.targets.json).',
    );
  let file = findTargetsFile(folder);
  if (!file) {
    file = join(folder, 'runlog.targets.json');
    if (!existsSync(file)) writeFileSync(file, `${JSON.stringify(TEMPLATE, null, 2)}\n`);
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file));
}
