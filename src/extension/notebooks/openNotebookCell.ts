import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../context';

/**
 * `runlog.openNotebookCell(notebook, index)`: opens a notebook at a cell. `notebook` is a run's `capture.notebook`
 * (workspace-relative path, absolute path, or `untitled:<name>` of an open unsaved notebook); both arguments come
 * from webviews too, so they are checked: only .ipynb files that exist, a whole non-negative cell index.
 */
export async function openNotebookCell(notebook: unknown, index: unknown): Promise<void> {
  if (typeof notebook !== 'string' || notebook === '' || notebook.includes('\0'))
    throw new UserError('Open Notebook Cell needs the notebook path a notebook run recorded.');
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 1_000_000)
    throw new UserError(`Open Notebook Cell needs a cell number, not ${JSON.stringify(index)}.`);
  const document = await notebookDocument(notebook);
  const editor = await vscode.window.showNotebookDocument(document, { preview: false });
  if (index >= document.cellCount)
    throw new UserError(
      `${path.basename(notebook)} has ${document.cellCount} cells now; cell ${index + 1} is no longer there.`,
    );
  const range = new vscode.NotebookRange(index, index + 1);
  editor.selections = [range];
  editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
}

async function notebookDocument(notebook: string): Promise<vscode.NotebookDocument> {
  if (notebook.startsWith('untitled:')) {
    const open = vscode.workspace.notebookDocuments.find(
      (doc) => doc.isUntitled && `${doc.uri.scheme}:${path.posix.basename(doc.uri.path)}` === notebook,
    );
    if (!open) throw new UserError(`The unsaved notebook ${notebook} is not open any more.`);
    return open;
  }
  if (!notebook.toLowerCase().endsWith('.ipynb'))
    throw new UserError(`${notebook} is not a notebook (.ipynb) file.`);
  const file = resolve(notebook);
  if (!file || !existsSync(file)) throw new UserError(`The notebook ${notebook} does not exist any more.`);
  return vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
}

/** Absolute paths as they are; relative ones inside a workspace folder (never above it). */
function resolve(notebook: string): string | undefined {
  if (path.isAbsolute(notebook)) return path.normalize(notebook);
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const root = folder.uri.fsPath;
    const file = path.resolve(root, notebook);
    if (file.startsWith(root + path.sep) && existsSync(file)) return file;
  }
  return undefined;
}
