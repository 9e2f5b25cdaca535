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
 * instead of asking which. An empty selection never erases it: a rebuild reports one, the user's click never does.
 */
export class ClickedRun {
  private last: RunsNode | undefined;

  constructor(private readonly view: vscode.TreeView<RunsNode>) {}

  /** Follows the view's selection; dispose the result with the view. */
  follow(): vscode.Disposable {
    return this.view.onDidChangeSelection(({ selection }) => {
      if (selection.length > 0) this.last = oneRun(selection);
    });
  }

  /**
   * The clicked run. The click's selection and its command travel separately; when the command comes first, wait a
   * moment for the selection rather than asking the user which run they just clicked. An empty selection reported
   * meanwhile is a rebuild of the row, not the click's: it is skipped (seen in CI: the wait ended on one, and a
   * click on a live notebook run asked "Run to show").
   */
  async get(waitMs = 3000): Promise<RunsNode | undefined> {
    const now = oneRun(this.view.selection);
    if (now || this.view.selection.length > 0) return now;
    if (this.last) return this.last;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(undefined);
      }, waitMs);
      const sub = this.view.onDidChangeSelection(({ selection }) => {
        if (selection.length === 0) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(oneRun(selection));
      });
    });
  }
}

function oneRun(selection: readonly RunsNode[]): RunsNode | undefined {
  const runs = selection.filter((node) => node.kind === 'run');
  return runs.length === 1 ? runs[0] : undefined;
}
