import * as path from 'node:path';
import * as vscode from 'vscode';
import { endMessage } from '../../core/runs/endMessage';
import { COMMANDS } from '../commandIds';
import type { RunlogContext } from '../context';
import type { LaunchEnd, ScriptRunner } from './scriptRunner';

const SHOW_DETAILS = 'Show Details';

/**
 * Says when a run launched from this window ends: "Run bright-owl finished in 12s · loss 0.21" with Show Details.
 * A stop (Stop Run, Ctrl-C) is an information, never an error: the user asked for it.
 */
export function registerFinishNotices(ctx: RunlogContext, runner: ScriptRunner): void {
  ctx.own(runner.onDidEnd((end) => void notify(ctx, end)));
}

async function notify(ctx: RunlogContext, { launch, exit }: LaunchEnd): Promise<void> {
  const index = await ctx.index();
  await index?.refresh([launch.id]);
  const entry = index?.get(launch.id);
  if (entry?.kind !== 'run') {
    const what = exit.signal ? `was stopped (${exit.signal})` : `exited with code ${exit.code}`;
    void vscode.window.showWarningMessage(
      `${path.basename(launch.file)} ${what} before Runlog recorded a run; its terminal shows why.`,
    );
    return;
  }
  const { text, level } = endMessage(entry.doc, ctx.config.primaryMetric);
  const show = level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(text, SHOW_DETAILS);
  if (choice === SHOW_DETAILS) await vscode.commands.executeCommand(COMMANDS.showRunDetails, launch.id);
}
