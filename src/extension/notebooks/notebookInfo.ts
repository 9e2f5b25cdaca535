import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CellExecutionInput } from '../../core/notebooks/cellRecord';
import type { TrackedNotebook } from '../../core/notebooks/sessions';

/** The notebook types Runlog follows: .ipynb files (the bundled ipynb support and the Jupyter extension). */
export const TRACKED_NOTEBOOK_TYPE = 'jupyter-notebook';

interface IpynbMetadata {
  kernelspec?: { name?: unknown; display_name?: unknown; language?: unknown };
  language_info?: { name?: unknown };
}

/** The kernel as the notebook's own metadata names it (the Jupyter extension keeps it current). */
export function kernelOf(notebook: vscode.NotebookDocument): {
  label?: string;
  language?: string;
  name?: string;
} {
  const meta = ((notebook.metadata as { metadata?: IpynbMetadata }).metadata ??
    notebook.metadata) as IpynbMetadata;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const firstCode = notebook.getCells().find((cell) => cell.kind === vscode.NotebookCellKind.Code);
  return {
    name: text(meta.kernelspec?.name),
    label: text(meta.kernelspec?.display_name),
    language:
      text(meta.kernelspec?.language) ?? text(meta.language_info?.name) ?? firstCode?.document.languageId,
  };
}

/** How a notebook is named in its runs: workspace-relative, else its absolute path, else its untitled name. */
export function describeNotebook(notebook: vscode.NotebookDocument): TrackedNotebook {
  const uri = notebook.uri;
  const isFile = uri.scheme === 'file';
  const inWorkspace = isFile && vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  const relative = inWorkspace ? vscode.workspace.asRelativePath(uri, false) : undefined;
  const base = path.posix.basename(uri.path);
  const shown = relative ?? (isFile ? uri.fsPath : `${uri.scheme}:${base}`);
  const kernel = kernelOf(notebook);
  return {
    key: uri.toString(),
    path: isFile ? uri.fsPath : undefined,
    info: {
      notebook: shown,
      cwd: isFile ? path.dirname(uri.fsPath) : undefined,
      experiment: base.replace(/\.ipynb$/i, '') || 'notebook',
      kernel: { label: kernel.label, language: kernel.language },
    },
  };
}

/** A stable id for a cell: the notebook format's id when the serializer keeps one, else the editor's handle. */
export function cellIdOf(cell: vscode.NotebookCell): string {
  const metadata = cell.metadata as { id?: unknown; metadata?: { id?: unknown } };
  if (typeof metadata.id === 'string' && metadata.id !== '') return metadata.id;
  if (typeof metadata.metadata?.id === 'string' && metadata.metadata.id !== '') return metadata.metadata.id;
  return cell.document.uri.fragment || `index-${cell.index}`;
}

/** The finished execution of a cell, as the core records it. */
export function executionOf(
  cell: vscode.NotebookCell,
  summary: vscode.NotebookCellExecutionSummary & { timing: { startTime: number; endTime: number } },
): CellExecutionInput {
  return {
    cell: cellIdOf(cell),
    index: cell.index,
    order: summary.executionOrder,
    source: cell.document.getText(),
    language: cell.document.languageId,
    startMs: summary.timing.startTime,
    endMs: summary.timing.endTime,
    success: summary.success,
    outputs: cell.outputs.map((output) => output.items),
  };
}
