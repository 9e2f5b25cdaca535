import { STAR_TAG } from '../../core/query';
import type { RunEntry } from '../../core/store/types';
import type { RunlogContext } from '../context';
import { UserError } from '../context';
import { runTargets } from '../runs/targets';

const readable = (entry: RunEntry) => entry.kind === 'run';

/**
 * The runs to compare: the Runs view's selection, the table's selection (run id + ids), an experiment node
 * (its runs), or from the palette a multi-select pick. At least two readable runs.
 */
export async function runsToCompare(
  ctx: RunlogContext,
  first: unknown,
  selection: unknown,
): Promise<string[]> {
  const entries = (
    await runTargets(ctx, first, selection, {
      placeHolder: 'Runs to compare (pick two or more)',
      canPickMany: true,
      filter: readable,
    })
  ).filter(readable);
  const ids = [...new Set(entries.map((e) => e.id))];
  if (ids.length === 0) return [];
  if (ids.length < 2)
    throw new UserError(
      'Pick at least two runs to compare (Ctrl/Cmd-click in the Runs view selects several).',
    );
  return ids;
}

/** Star or unstar runs: a star is the tag `starred` (docs/compare.md), so it filters and shows like any tag. */
export async function setStarred(
  ctx: RunlogContext,
  first: unknown,
  selection: unknown,
  starred: boolean,
): Promise<void> {
  const entries = (
    await runTargets(ctx, first, selection, {
      placeHolder: starred ? 'Runs to star' : 'Runs to unstar',
      canPickMany: true,
      filter: readable,
    })
  ).filter(readable);
  if (entries.length === 0) return;
  const store = ctx.requireStore();
  for (const entry of entries) await store.setTags(entry.id, { [STAR_TAG]: starred ? 'true' : '' });
  await (await ctx.index())?.refresh(entries.map((e) => e.id));
}
