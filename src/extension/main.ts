import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, INTERNAL_COMMANDS, type CommandId, type InternalCommandId } from './commandIds';
import type { ComparePanels } from './compare/panels';
import { registerCompareCommands } from './compare/register';
import { RunlogContext } from './context';
import { registerDatasetCommands } from './datasets/datasetCommands';
import { installPythonClient } from './python/installClient';
import { registerNotebooks } from './notebooks/registerNotebooks';
import { registerPromoteCommands } from './promote/promoteCommands';
import { registerDebugTracking } from './runs/debugTracking';
import { RunDetailsPanels } from './runs/detailsPanel';
import { registerFinishNotices } from './runs/finishNotice';
import { RerunCommand } from './runs/rerun';
import { RunCommands } from './runs/runCommands';
import { ClickedRun } from './runs/runItemCommand';
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
  compare: ComparePanels;
  datasets: ReturnType<typeof registerDatasetCommands>;
  promotion: ReturnType<typeof registerPromoteCommands>;
  notebooks: ReturnType<typeof registerNotebooks>;
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
  const datasets = registerDatasetCommands(ctx);
  const promotion = registerPromoteCommands(ctx);

  // Runs: launch, stop, follow
  const runner = new ScriptRunner(ctx);
  const statusBar = new RunStatusBar(ctx, runner);
  const details = new RunDetailsPanels(ctx);
  const edits = new RunCommands(ctx, () => runs.refresh());
  const rerun = new RerunCommand(ctx, runner);
  registerFinishNotices(ctx, runner);
  registerDebugTracking(ctx);
  const notebooks = registerNotebooks(ctx);

  // Commands of the runs core; feature modules (compare, datasets, notebooks, promote) register theirs above.
  // test/unit/commandIds.test.ts checks that every command in package.json has a handler somewhere.
  const commands: Partial<Record<CommandId, (...args: never[]) => unknown>> = {
    [COMMANDS.runFile]: (uri?: vscode.Uri) => runner.runFile(uri),
    [COMMANDS.rerunWithArguments]: (target?: unknown) => rerun.rerun(target),
    [COMMANDS.stopRun]: (node?: unknown, selection?: unknown) => runner.stop(node, selection),
    [COMMANDS.refreshRuns]: async () => (await ctx.index())?.refresh(),
    [COMMANDS.showRunDetails]: (node?: unknown) => details.show(node),
    [COMMANDS.renameRun]: (node?: unknown) => edits.rename(node),
    [COMMANDS.tagRun]: (node?: unknown, selection?: unknown) => edits.tag(node, selection),
    [COMMANDS.deleteRun]: (node?: unknown, selection?: unknown) => edits.delete(node, selection),
    [COMMANDS.openRunOutput]: (node?: unknown) => edits.openOutput(node),
    [COMMANDS.revealRun]: (node?: unknown) => edits.reveal(node),
    [COMMANDS.installPythonClient]: () => installPythonClient(ctx),
    [COMMANDS.openWalkthrough]: () =>
      vscode.commands.executeCommand(
        'workbench.action.openWalkthrough',
        'runlog.runlog#gettingStarted',
        false,
      ),
    [COMMANDS.showStoreLocation]: () => showStoreLocation(ctx),
  };
  for (const [id, handler] of Object.entries(commands)) ctx.registerCommand(id, handler);
  const clicked = new ClickedRun(runs.view);
  const internal: Record<InternalCommandId, () => unknown> = {
    [INTERNAL_COMMANDS.openClickedRun]: async () => details.show(await clicked.get()),
  };
  for (const [id, handler] of Object.entries(internal)) ctx.registerCommand(id, handler);
  const compare = registerCompareCommands(ctx, runs);

  // Follow a store that already holds runs (running ones belong in the status bar) once activation is done.
  const storeRoot = ctx.config.storeRoot;
  if (storeRoot && existsSync(path.join(storeRoot, 'runs'))) setTimeout(() => void statusBar.update(), 0);

  return { ctx, runner, runs, details, statusBar, compare, datasets, promotion, notebooks };
}

export function deactivate(): void {}
