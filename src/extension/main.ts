import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunlogContext } from './context';
import { DatasetsTree } from './datasets/datasetsTree';
import { installPythonClient } from './python/installClient';
import { registerPromoteCommands } from './promote/promoteCommands';
import { registerDebugTracking } from './runs/debugTracking';
import { RunDetailsPanels } from './runs/detailsPanel';
import { RunCommands } from './runs/runCommands';
import { RunsTree } from './runs/runsTree';
import { ScriptRunner } from './runs/scriptRunner';
import { RunStatusBar } from './runs/statusBar';
import { showStoreLocation } from './storeLocation';

/** What the extension gives other code (integration tests): the context and its parts. */
export interface RunlogApi {
  ctx: RunlogContext;
  runner: ScriptRunner;
  runs: RunsTree;
  details: RunDetailsPanels;
  statusBar: RunStatusBar;
  promotion: ReturnType<typeof registerPromoteCommands>;
}

/**
 * Activation reads as the table of contents of Runlog in the editor. It only creates views and registers commands;
 * the store is read when a view asks for it or a command needs it.
 */
export function activate(extension: vscode.ExtensionContext): RunlogApi {
  const ctx = new RunlogContext(extension);
  extension.subscriptions.push(ctx);

  // Views
  const runs = new RunsTree(ctx);
  new DatasetsTree(ctx);
  const promotion = registerPromoteCommands(ctx);

  // Runs: launch, stop, follow
  const runner = new ScriptRunner(ctx);
  const statusBar = new RunStatusBar(ctx, runner);
  const details = new RunDetailsPanels(ctx);
  const edits = new RunCommands(ctx);
  registerDebugTracking(ctx);

  // Commands (every one in package.json `contributes.commands`)
  const commands: Record<string, (...args: never[]) => unknown> = {
    'runlog.runFile': (uri?: vscode.Uri) => runner.runFile(uri),
    'runlog.stopRun': (node?: unknown, selection?: unknown) => runner.stop(node, selection),
    'runlog.refreshRuns': async () => (await ctx.index())?.refresh(),
    'runlog.showRunDetails': (node?: unknown) => details.show(node),
    'runlog.renameRun': (node?: unknown) => edits.rename(node),
    'runlog.tagRun': (node?: unknown, selection?: unknown) => edits.tag(node, selection),
    'runlog.deleteRun': (node?: unknown, selection?: unknown) => edits.delete(node, selection),
    'runlog.openRunOutput': (node?: unknown) => edits.openOutput(node),
    'runlog.revealRun': (node?: unknown) => edits.reveal(node),
    'runlog.installPythonClient': () => installPythonClient(ctx),
    'runlog.openWalkthrough': () =>
      vscode.commands.executeCommand(
        'workbench.action.openWalkthrough',
        'runlog.runlog#gettingStarted',
        false,
      ),
    'runlog.showStoreLocation': () => showStoreLocation(ctx),
  };
  for (const [id, handler] of Object.entries(commands)) ctx.registerCommand(id, handler);

  // Follow a store that already holds runs (running ones belong in the status bar) once activation is done.
  const storeRoot = ctx.config.storeRoot;
  if (storeRoot && existsSync(path.join(storeRoot, 'runs'))) setTimeout(() => void statusBar.update(), 0);

  return { ctx, runner, runs, details, statusBar, promotion };
}

export function deactivate(): void {}
