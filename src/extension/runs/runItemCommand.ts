import type * as vscode from 'vscode';
import { INTERNAL_COMMANDS } from '../commandIds';
import type { RunsNode } from './targets';

/**
 * The command a run's item in the Runs view runs when clicked. It carries no arguments on purpose: VS Code stores a
 * tree item's command-with-arguments under a temporary id that it drops as soon as the item is refreshed, before
 * the workbench has the new item, so a click on a run that is starting or live (refreshed every second and on every
 * write) can fail with "Actual command not found, wanted to execute runlog.showRunDetails /N". A command without
 * arguments is sent as is; its handler opens the run the click selected (the selection reaches the extension host
 * before the command does: both travel in order over the same channel).
 */
export function runItemCommand(): vscode.Command {
  return { command: INTERNAL_COMMANDS.openClickedRun, title: 'Show Run Details' };
}

/**
 * The run a click in the Runs view selected, if it is one run. While the view rebuilds a live run's row (every
 * second, and on every write) the selection the extension host holds can be empty for a moment although the row is
 * selected on screen; the last one-run selection the view reported stands in then, so the click opens that run
 * instead of asking which.
 */
export class ClickedRun {
  private last: RunsNode | undefined;

  constructor(private readonly view: vscode.TreeView<RunsNode>) {}

  /** Follows the view's selection; dispose the result with the view. */
  follow(): vscode.Disposable {
    return this.view.onDidChangeSelection(({ selection }) => {
      const runs = selection.filter((node) => node.kind === 'run');
      this.last = runs.length === 1 ? runs[0] : undefined;
    });
  }

  get(): RunsNode | undefined {
    const runs = this.view.selection.filter((node) => node.kind === 'run');
    if (runs.length === 1) return runs[0];
    return this.view.selection.length === 0 ? this.last : undefined;
  }
}
