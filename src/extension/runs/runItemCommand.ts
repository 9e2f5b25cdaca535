import type * as vscode from 'vscode';
import { INTERNAL_COMMANDS } from '../commandIds';
import type { RunsNode } from './targets';

/**
 * The command a run's item in the Runs view runs when clicked. It carries no arguments on purpose: VS Code stores a
 * tree item's command-with-arguments under a temporary id that it drops as soon as the item is refreshed, before
 * the workbench has the new item, so a click on a run that is starting or live (refreshed every second and on every
 * write) can fail with "Actual command not found, wanted to execute runlog.showRunDetails /N". A command without
 * arguments is sent as is; its handler opens the run the click selected (ClickedRun).
 */
export function runItemCommand(): vscode.Command {
  return { command: INTERNAL_COMMANDS.openClickedRun, title: 'Show Run Details' };
}

/**
 * The run a click in the Runs view selected, if it is one run. The view's selection is kept by VS Code as item
 * handles and turned into elements when read; while the view rebuilds a live run's row (every second, and on every
 * write) the row's handle is briefly unknown, so a selection that arrives then reads (and is reported) as empty,
 * and no event follows when the row is back. So the selection is read again until it names the run, not only
 * listened to (seen in CI: a click on a live notebook run asked "Run to show").
 */
export class ClickedRun {
  constructor(
    private readonly view: vscode.TreeView<RunsNode>,
    private readonly pollMs = 50,
  ) {}

  /** The clicked run, or undefined when no single run is selected within `waitMs`. */
  async get(waitMs = 3000): Promise<RunsNode | undefined> {
    const now = this.view.selection;
    if (now.length > 0) return oneRun(now);
    return new Promise((resolve) => {
      const done = (run: RunsNode | undefined) => {
        clearInterval(poll);
        clearTimeout(timer);
        sub.dispose();
        resolve(run);
      };
      const check = () => {
        const selection = this.view.selection;
        if (selection.length > 0) done(oneRun(selection));
      };
      const poll = setInterval(check, this.pollMs);
      const timer = setTimeout(() => done(undefined), waitMs);
      const sub = this.view.onDidChangeSelection(check);
    });
  }
}

function oneRun(selection: readonly RunsNode[]): RunsNode | undefined {
  const runs = selection.filter((node) => node.kind === 'run');
  return runs.length === 1 ? runs[0] : undefined;
}
