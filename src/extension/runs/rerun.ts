import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  formatArguments,
  parseArguments,
  recordedInvocation,
  type Invocation,
} from '../../core/runs/invocation';
import type { ReadableRun, RunEntry } from '../../core/store/types';
import type { RunlogContext } from '../context';
import { UserError } from '../context';
import type { ScriptRunner } from './scriptRunner';
import { runTargets } from './targets';

/**
 * "Re-run with Arguments…": the same script again, with its recorded arguments offered for editing first. From a
 * run (Runs view, details page, status bar: a node or a run id), from a file (editor title, Explorer: a Uri; its
 * last run's arguments are offered), or from the palette (a pick of the active script and the recorded runs).
 */
export class RerunCommand {
  constructor(
    private readonly ctx: RunlogContext,
    private readonly runner: ScriptRunner,
  ) {}

  async rerun(target?: unknown): Promise<string | undefined> {
    if (target instanceof vscode.Uri) return this.fromFile(target);
    if (target === undefined) {
      const picked = await this.pick();
      if (!picked) return undefined;
      return picked instanceof vscode.Uri ? this.fromFile(picked) : this.fromRun(picked);
    }
    const [entry] = await runTargets(this.ctx, target, undefined, { placeHolder: 'Run to re-run' });
    if (!entry) return undefined;
    if (entry.kind !== 'run') throw new UserError(`Run ${entry.id} cannot be read: ${entry.reason}`);
    return this.fromRun(entry);
  }

  private async fromRun(entry: ReadableRun): Promise<string | undefined> {
    const invocation = recordedInvocation(entry.doc);
    if ('problem' in invocation)
      throw new UserError(`Runlog cannot re-run ${entry.doc.name}: ${invocation.problem}.`);
    if (!existsSync(invocation.script)) {
      throw new UserError(
        `The script of run ${entry.doc.name}, ${invocation.script}, no longer exists. Open the script you want to run and use Re-run with Arguments from the editor.`,
      );
    }
    return this.ask(invocation, `Re-run ${path.basename(invocation.script)} (as run ${entry.doc.name})`);
  }

  /** A file: the arguments of its newest recorded run, or none. */
  private async fromFile(uri: vscode.Uri): Promise<string | undefined> {
    const last = (await this.runsOf(uri.fsPath))[0];
    const args = last ? (recordedInvocation(last.doc) as Invocation).args : [];
    const title = last
      ? `Run ${path.basename(uri.fsPath)} (arguments of run ${last.doc.name})`
      : `Run ${path.basename(uri.fsPath)} with arguments`;
    return this.ask({ script: uri.fsPath, args }, title, uri);
  }

  private async ask(invocation: Invocation, title: string, uri?: vscode.Uri): Promise<string | undefined> {
    const text = await vscode.window.showInputBox({
      title,
      value: formatArguments(invocation.args),
      prompt: 'Arguments for the script, written as in a shell (quotes work; nothing is expanded).',
      placeHolder: '--lr 0.3 --epochs 10',
      validateInput: (value) => {
        const parsed = parseArguments(value);
        return 'problem' in parsed ? parsed.problem : undefined;
      },
    });
    if (text === undefined) return undefined;
    const parsed = parseArguments(text);
    if ('problem' in parsed) throw new UserError(parsed.problem);
    return this.runner.runFile(uri ?? vscode.Uri.file(invocation.script), parsed.args);
  }

  /** Recorded runs of a script, newest first. */
  private async runsOf(script: string): Promise<ReadableRun[]> {
    const index = await this.ctx.index();
    return (index?.list() ?? []).filter((entry): entry is ReadableRun => {
      if (entry.kind !== 'run') return false;
      const invocation = recordedInvocation(entry.doc);
      return 'script' in invocation && invocation.script === script;
    });
  }

  /** The palette: the active editor's Python script first (if any), then every run that ran a script. */
  private async pick(): Promise<vscode.Uri | ReadableRun | undefined> {
    const index = await this.ctx.index();
    if (!index)
      throw new UserError('Runlog needs a workspace folder for its store. Open a folder, then try again.');
    type Item = vscode.QuickPickItem & { target: vscode.Uri | ReadableRun };
    const items: Item[] = [];
    const editor = vscode.window.activeTextEditor?.document;
    if (editor && editor.uri.scheme === 'file' && editor.fileName.endsWith('.py')) {
      items.push({
        label: `$(file-code) ${path.basename(editor.fileName)}`,
        description: 'the active editor: its last run’s arguments',
        target: editor.uri,
      });
    }
    for (const entry of index.list().filter(rerunnable)) {
      const invocation = recordedInvocation(entry.doc) as Invocation;
      items.push({
        label: entry.doc.name,
        description: `${path.basename(invocation.script)} ${formatArguments(invocation.args)}`.trim(),
        detail: `${entry.doc.experiment} · ${entry.doc.status} · ${entry.id}`,
        target: entry,
      });
    }
    if (items.length === 0)
      throw new UserError('No recorded run ran a script yet. Open a Python file to run it with arguments.');
    return (
      await vscode.window.showQuickPick(items, { placeHolder: 'Script or run to re-run with arguments' })
    )?.target;
  }
}

function rerunnable(entry: RunEntry): entry is ReadableRun {
  return entry.kind === 'run' && 'script' in recordedInvocation(entry.doc);
}
