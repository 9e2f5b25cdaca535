import * as vscode from 'vscode';
import type { RunlogContext } from './context';
import { UserError } from './context';

/** Tells where the store is and what it holds, with a way to open it. */
export async function showStoreLocation(ctx: RunlogContext): Promise<void> {
  const store = ctx.store;
  if (!store)
    throw new UserError('Runlog needs a workspace folder for its store. Open a folder, then try again.');
  if (!store.exists()) {
    void vscode.window.showInformationMessage(
      `Runlog store: ${store.root} (not created yet: the first tracked run creates it).`,
    );
    return;
  }
  const runs = (await ctx.index())?.list().length ?? 0;
  const choice = await vscode.window.showInformationMessage(
    `Runlog store: ${store.root} (${runs} run${runs === 1 ? '' : 's'}).`,
    'Reveal in Explorer',
  );
  if (choice) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(store.root));
}
