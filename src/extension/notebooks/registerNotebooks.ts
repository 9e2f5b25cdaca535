import type { RunlogContext } from '../context';
import { NotebookTracker } from './notebookTracker';
import { openNotebookCell } from './openNotebookCell';

/** Notebook run tracking in the editor: the tracker, the toolbar toggle and Open Notebook Cell. */
export function registerNotebooks(ctx: RunlogContext): NotebookTracker {
  const tracker = ctx.own(new NotebookTracker(ctx));
  ctx.registerCommand('runlog.trackNotebook', (target?: unknown) => tracker.toggle(target));
  ctx.registerCommand('runlog.untrackNotebook', (target?: unknown) => tracker.toggle(target));
  ctx.registerCommand('runlog.openNotebookCell', (notebook?: unknown, index?: unknown) =>
    openNotebookCell(notebook, index),
  );
  return tracker;
}
