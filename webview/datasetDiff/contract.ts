// The datasetDiff page's messages (extension ↔ webview). One typed contract, validated on both sides.
import type { DatasetDiff } from '../../src/core/datasets/diff';

/** What the panel shows: a diff (changed files capped, so a huge diff stays a small message) or why it cannot. */
export interface DatasetDiffView {
  /** Names of the two sides as the user knows them (dataset name and short digest). */
  labelA: string;
  labelB: string;
  diff: DatasetDiff;
  /** Changed files left out of `diff.files` (the CLI's --json has them all). */
  filesOmitted: number;
}

export type ToDatasetDiffWebview =
  { type: 'show'; view: DatasetDiffView } | { type: 'error'; message: string };

/** Commands the page may run (the same ones the palette and the Datasets view run). */
export const DATASET_DIFF_COMMANDS = ['runlog.compareDatasetVersions', 'runlog.copyDatasetDigest'] as const;

export type FromDatasetDiffWebview =
  | { type: 'ready' }
  | { type: 'runCommand'; command: (typeof DATASET_DIFF_COMMANDS)[number]; args: string[] }
  /** The key column of a tabular file's row sample (`path`: the file in the newer version). */
  | { type: 'chooseKey'; path: string; key: string };

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Extension side: accepts only the page's messages, with digests as the only arguments. */
export function isFromDatasetDiffWebview(m: unknown): m is FromDatasetDiffWebview {
  if (typeof m !== 'object' || m === null) return false;
  const message = m as Record<string, unknown>;
  if (message.type === 'ready') return true;
  if (message.type === 'chooseKey')
    return (
      typeof message.path === 'string' &&
      typeof message.key === 'string' &&
      message.path.length <= 4096 &&
      message.key.length > 0 &&
      message.key.length <= 1024
    );
  if (message.type !== 'runCommand') return false;
  const args = message.args;
  if (!(DATASET_DIFF_COMMANDS as readonly unknown[]).includes(message.command) || !Array.isArray(args))
    return false;
  const count = message.command === 'runlog.compareDatasetVersions' ? 2 : 1;
  return args.length === count && args.every((a) => typeof a === 'string' && DIGEST.test(a));
}

/** Webview side: the extension's messages, checked for the fields the page reads. */
export function parseToDatasetDiffWebview(m: unknown): ToDatasetDiffWebview | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const message = m as Record<string, unknown>;
  if (message.type === 'error' && typeof message.message === 'string')
    return { type: 'error', message: message.message };
  if (message.type !== 'show' || typeof message.view !== 'object' || message.view === null) return undefined;
  const view = message.view as Partial<DatasetDiffView>;
  const diff = view.diff as Partial<DatasetDiff> | undefined;
  if (
    typeof view.labelA !== 'string' ||
    typeof view.labelB !== 'string' ||
    typeof view.filesOmitted !== 'number' ||
    !diff ||
    !Array.isArray(diff.files) ||
    !Array.isArray(diff.tabular) ||
    !Array.isArray(diff.drift) ||
    typeof diff.counts !== 'object' ||
    typeof diff.a !== 'object' ||
    typeof diff.b !== 'object'
  )
    return undefined;
  return { type: 'show', view: view as DatasetDiffView };
}
