import * as vscode from 'vscode';
import type { RunDocument, RunStatus } from '../../core/store/types';

const STATUS_COLORS: Record<RunStatus, string> = {
  running: 'charts.blue',
  finished: 'testing.iconPassed',
  failed: 'testing.iconFailed',
  interrupted: 'charts.yellow',
  crashed: 'errorForeground',
};

/** What a notebook run's cell counts say at a glance, e.g. "12 cells · 1 failed"; undefined for other runs. */
export function notebookCellsText(doc: RunDocument): string | undefined {
  if (doc.capture.source !== 'notebook') return undefined;
  const counts = doc.capture.notebookCells as { executed?: unknown; failed?: unknown } | undefined;
  const executed = typeof counts?.executed === 'number' ? counts.executed : 0;
  const failed = typeof counts?.failed === 'number' ? counts.failed : 0;
  const cells = `${executed} cell${executed === 1 ? '' : 's'}`;
  return failed > 0 ? `${cells} · ${failed} failed` : cells;
}

/**
 * Makes a notebook run's item in the Runs view read as one: a notebook icon in the status colour, the cells run and
 * failed first in the description, the notebook in the tooltip. Leaves other runs' items untouched.
 */
export function decorateNotebookRunItem(item: vscode.TreeItem, doc: RunDocument): void {
  const cells = notebookCellsText(doc);
  if (cells === undefined) return;
  item.iconPath = new vscode.ThemeIcon(
    doc.status === 'running' ? 'notebook-kernel-select' : 'notebook',
    new vscode.ThemeColor(STATUS_COLORS[doc.status]),
  );
  item.description = [cells, typeof item.description === 'string' ? item.description : '']
    .filter(Boolean)
    .join(' · ');
  if (item.tooltip instanceof vscode.MarkdownString && typeof doc.capture.notebook === 'string') {
    item.tooltip.appendMarkdown(`\n\nNotebook: \`${doc.capture.notebook.replace(/`/g, "'")}\` · ${cells}\n`);
  }
}
