import type { RunlogContext } from '../context';
import type { RunsTree } from '../runs/runsTree';
import * as vscode from 'vscode';
import { ComparePanels } from './panels';
import { runsToCompare, setStarred } from './runPicks';
import { SCRIPT_SCHEME, ScriptVersions } from './scriptDiff';

/** Commands of the compare feature: the Runs view's sort, filter and paging, the runs table, the Compare panel. */
export function registerCompareCommands(ctx: RunlogContext, runs: RunsTree): ComparePanels {
  const panels = ctx.own(new ComparePanels(ctx));
  ctx.own(vscode.workspace.registerTextDocumentContentProvider(SCRIPT_SCHEME, new ScriptVersions()));
  ctx.registerCommand('runlog.openRunsTable', () => void panels.openTable());
  ctx.registerCommand('runlog.compareRuns', async (node?: unknown, selection?: unknown) => {
    const ids = await runsToCompare(ctx, node, selection);
    if (ids.length === 0) return;
    const index = await ctx.index();
    const names = ids.map((id) => {
      const entry = index?.get(id);
      return entry?.kind === 'run' ? entry.doc.name : id;
    });
    panels.openCompare(ids, names);
  });
  ctx.registerCommand('runlog.filterRuns', (text?: unknown) => runs.state.promptFilter(text));
  ctx.registerCommand('runlog.clearRunsFilter', () => runs.state.setFilter(''));
  ctx.registerCommand('runlog.sortRuns', (sort?: unknown) => runs.state.promptSort(sort));
  ctx.registerCommand('runlog.showMoreRuns', (experiment?: unknown) => runs.showMore(experiment));
  ctx.registerCommand('runlog.starRun', (node?: unknown, selection?: unknown) =>
    setStarred(ctx, node, selection, true),
  );
  ctx.registerCommand('runlog.unstarRun', (node?: unknown, selection?: unknown) =>
    setStarred(ctx, node, selection, false),
  );
  return panels;
}
