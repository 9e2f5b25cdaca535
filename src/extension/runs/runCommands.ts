import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { isRunning, type RunEntry } from '../../core/store/types';
import type { RunlogContext } from '../context';
import { UserError } from '../context';
import { parseTags } from '../../core/tags';
import { runTargets } from './targets';

/** Rename, tag, delete (with Undo), open output, reveal: the edits a user makes to recorded runs. */
export class RunCommands {
  /**
   * @param showRestored makes the Runs view show restored runs again. The view keeps the nodes of deleted runs
   * (RunsTree.runNodes/shape), so a run coming back under the same id looks like an in-place change of a node that
   * is no longer shown, and it stayed missing until the next full refresh (issue 10).
   */
  constructor(
    private readonly ctx: RunlogContext,
    private readonly showRestored: () => void = () => undefined,
  ) {}

  async rename(node?: unknown): Promise<void> {
    const [entry] = await runTargets(this.ctx, node, undefined, {
      placeHolder: 'Run to rename',
      filter: readable,
    });
    if (!entry || entry.kind !== 'run') return;
    const name = await vscode.window.showInputBox({
      title: `Rename run ${entry.doc.name}`,
      value: entry.doc.name,
      validateInput: (value) => (value.trim() === '' ? 'A run name cannot be empty.' : undefined),
    });
    if (name === undefined) return;
    await this.ctx.requireStore().rename(entry.id, name);
    await (await this.ctx.index())?.refresh([entry.id]);
  }

  async tag(node?: unknown, selection?: unknown): Promise<void> {
    const entries = (
      await runTargets(this.ctx, node, selection, {
        placeHolder: 'Runs to tag',
        canPickMany: true,
        filter: readable,
      })
    ).filter(readable);
    if (entries.length === 0) return;
    const input = await vscode.window.showInputBox({
      title: entries.length === 1 ? `Tag run ${labelOf(entries[0])}` : `Tag ${entries.length} runs`,
      prompt:
        '`key=value`, or `key` alone (value "true"); `-key` removes a tag. Separate several with spaces.',
      placeHolder: 'baseline  owner=ana  -draft',
      validateInput: (value) =>
        parseTags(value) ? undefined : 'Write key=value, key, or -key, separated by spaces.',
    });
    const tags = input === undefined ? undefined : parseTags(input);
    if (!tags) return;
    const store = this.ctx.requireStore();
    for (const entry of entries) await store.setTags(entry.id, tags);
    await (await this.ctx.index())?.refresh(entries.map((e) => e.id));
  }

  async delete(node?: unknown, selection?: unknown): Promise<void> {
    const entries = await runTargets(this.ctx, node, selection, {
      placeHolder: 'Runs to delete',
      canPickMany: true,
    });
    if (entries.length === 0) return;
    const running = entries.filter(isRunning);
    if (running.length > 0) {
      throw new UserError(`Stop ${labelOf(running[0])} before deleting it (Runlog: Stop Run).`);
    }
    const store = this.ctx.requireStore();
    const index = await this.ctx.index();
    for (const entry of entries) await store.moveToTrash(entry.id);
    await index?.refresh(entries.map((e) => e.id));
    const what = entries.length === 1 ? `run ${labelOf(entries[0])}` : `${entries.length} runs`;
    const choice = await vscode.window.showInformationMessage(
      `Deleted ${what} (moved to ${store.layout.trashDir}).`,
      'Undo',
    );
    if (choice !== 'Undo') return;
    for (const entry of entries) await store.restoreFromTrash(entry.id);
    await index?.refresh(entries.map((e) => e.id));
    this.showRestored();
  }

  async openOutput(node?: unknown): Promise<void> {
    const [entry] = await runTargets(this.ctx, node, undefined, { placeHolder: 'Run whose output to open' });
    if (!entry) return;
    const file = this.ctx.requireStore().layout.outputFile(entry.id);
    if (!existsSync(file))
      throw new UserError(`Run ${labelOf(entry)} has no output recorded (no output.log).`);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  }

  async reveal(node?: unknown): Promise<void> {
    const [entry] = await runTargets(this.ctx, node, undefined, { placeHolder: 'Run to reveal' });
    if (!entry) return;
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(entry.dir));
  }
}

function readable(entry: RunEntry): boolean {
  return entry.kind === 'run';
}

function labelOf(entry: RunEntry): string {
  return entry.kind === 'run' ? entry.doc.name : entry.id;
}
