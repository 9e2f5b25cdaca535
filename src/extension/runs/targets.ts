import * as vscode from 'vscode';
import { formatDuration, runDuration } from '../../core/format';
import type { RunEntry } from '../../core/store/types';
import type { RunlogContext } from '../context';
import { UserError } from '../context';

/** A node of the Runs view, as commands receive it. */
export type RunsNode =
  | { kind: 'experiment'; name: string }
  | { kind: 'run'; id: string }
  /** "Show more…" at the end of an experiment's first runs. */
  | { kind: 'more'; experiment: string };

/**
 * Turns what a command was invoked with into runs: the Runs view passes (clicked node, selected nodes), the details
 * webview and the status bar pass a run id, the palette passes nothing (then the user picks).
 */
export async function runTargets(
  ctx: RunlogContext,
  first: unknown,
  selection: unknown,
  pick: { placeHolder: string; canPickMany?: boolean; filter?: (entry: RunEntry) => boolean },
): Promise<RunEntry[]> {
  const index = await ctx.index();
  if (!index)
    throw new UserError('Runlog needs a workspace folder for its store. Open a folder, then try again.');
  const refs = (
    Array.isArray(selection) && selection.length > 0 ? selection : first !== undefined ? [first] : []
  )
    .map((ref: unknown) => (typeof ref === 'string' ? ref : (ref as RunsNode | undefined)))
    .filter((ref): ref is string | RunsNode => ref !== undefined);
  if (refs.length > 0) {
    const entries = refs.flatMap((ref) => {
      if (typeof ref === 'string') return index.get(ref) ?? [];
      if (ref.kind === 'run') return index.get(ref.id) ?? [];
      if (ref.kind !== 'experiment') return [];
      return index.list().filter((entry) => entry.kind === 'run' && entry.doc.experiment === ref.name);
    });
    if (entries.length === 0) throw new UserError('That run no longer exists in the store.');
    return entries;
  }
  const candidates = index.list().filter(pick.filter ?? (() => true));
  if (candidates.length === 0) throw new UserError('There is no run to choose from.');
  const items = candidates.map((entry) => ({ label: labelOf(entry), description: describe(entry), entry }));
  if (pick.canPickMany) {
    return (
      (await vscode.window.showQuickPick(items, { placeHolder: pick.placeHolder, canPickMany: true }))?.map(
        (i) => i.entry,
      ) ?? []
    );
  }
  const chosen = await vscode.window.showQuickPick(items, { placeHolder: pick.placeHolder });
  return chosen ? [chosen.entry] : [];
}

function labelOf(entry: RunEntry): string {
  return entry.kind === 'run' ? entry.doc.name : `${entry.id} (unreadable)`;
}

function describe(entry: RunEntry): string {
  if (entry.kind === 'unreadable') return entry.reason;
  return `${entry.doc.experiment} · ${entry.doc.status} · ${formatDuration(runDuration(entry.doc))} · ${entry.id}`;
}
