import type { RunlogContext } from '../context';
import type { RunsTree } from '../runs/runsTree';
import { setStarred } from './runPicks';

/** Commands of the compare feature: the Runs view's sort, filter and paging, the runs table, the Compare panel. */
export function registerCompareCommands(ctx: RunlogContext, runs: RunsTree): void {
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
}
