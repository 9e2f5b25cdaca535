// Notebook run tracking in the real editor: a notebook controller whose kernel is a real python3 process
// (test/fixtures/notebookKernel) runs cells through the notebook API; the Runlog client inside the kernel logs for
// real into the run the extension owns.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readCellRecords, type CellRecord } from '../../src/core/notebooks/cells';
import { pointerFile, readPointer } from '../../src/core/notebooks/pointer';
import type { RunDocument } from '../../src/core/store/types';
import { openNotebookCell } from '../../src/extension/notebooks/openNotebookCell';
import { TestPythonKernel } from '../fixtures/notebookKernel/testKernel';
import { api, until } from './helpers';

const CELLS = [
  'import runlog\nrunlog.log_param("lr", 0.1)',
  'for i in range(3):\n    runlog.log_metric("loss", 1 / (i + 1))\nprint("done")',
  'raise ValueError("boom")',
];

function notebookJson(sources: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: sources.map((source, i) => ({
      cell_type: 'code',
      id: `cell-${i}`,
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  });
}

describe('Notebook run tracking', function () {
  this.timeout(120_000);
  let kernel: TestPythonKernel;
  let file: string;

  beforeEach(async () => {
    const { ctx } = await api();
    const folder = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'notebooks');
    fs.mkdirSync(folder, { recursive: true });
    file = path.join(folder, `train-${Date.now()}.ipynb`);
    fs.writeFileSync(file, notebookJson(CELLS));
    kernel = new TestPythonKernel(
      `runlog-test-kernel-${Date.now()}`,
      path.join(ctx.extension.extensionPath, 'test', 'fixtures', 'notebookKernel'),
      ctx.bundledPythonClient,
    );
  });

  afterEach(async () => {
    while (vscode.window.activeNotebookEditor)
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('runlog').update('notebooks.track', undefined);
    kernel.dispose();
    fs.rmSync(file, { force: true });
  });

  async function openWithKernel(): Promise<vscode.NotebookDocument> {
    // Opened as a user opens it (an extension's openNotebookDocument would keep the document alive for minutes
    // after its editor closes).
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    const notebook = await until(
      'the notebook editor',
      () =>
        vscode.window.activeNotebookEditor?.notebook.uri.fsPath === file &&
        vscode.window.activeNotebookEditor.notebook,
    );
    const selected = new Promise<void>((resolve) =>
      kernel.controller.onDidChangeSelectedNotebooks((e) => e.selected && resolve()),
    );
    await vscode.commands.executeCommand('notebook.selectKernel', {
      id: kernel.controller.id,
      extension: 'runlog.runlog',
    });
    await selected;
    return notebook;
  }

  async function execute(notebook: vscode.NotebookDocument, start: number, end: number): Promise<void> {
    const before = notebook.getCells().map((cell) => cell.executionSummary?.timing?.endTime);
    await vscode.commands.executeCommand('notebook.cell.execute', {
      ranges: [{ start, end }],
      document: notebook.uri,
    });
    await until(`cells ${start}..${end - 1} to run`, () =>
      notebook
        .getCells()
        .slice(start, end)
        .every((cell) => {
          const endTime = cell.executionSummary?.timing?.endTime;
          return endTime !== undefined && endTime !== before[cell.index];
        }),
    );
  }

  async function notebookRuns(): Promise<RunDocument[]> {
    const index = (await (await api()).ctx.index())!;
    await index.refresh();
    const relative = vscode.workspace.asRelativePath(file, false);
    return index
      .list()
      .flatMap((entry) =>
        entry.kind === 'run' && entry.doc.capture.notebook === relative ? [entry.doc] : [],
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async function cells(run: RunDocument, count: number): Promise<CellRecord[]> {
    const { ctx } = await api();
    const dir = ctx.store!.layout.runDir(run.id);
    return until(`${count} cell records in run ${run.id}`, async () => {
      const records = await readCellRecords(dir);
      return records.length >= count && records;
    });
  }

  it('records one run per kernel session with its cells, and the metrics the kernel logs into it', async () => {
    const { ctx } = await api();
    const notebook = await openWithKernel();
    await execute(notebook, 0, 3);

    const [run] = await until('the notebook run with the kernel’s params and metrics', async () => {
      const runs = await notebookRuns();
      return runs.length === 1 && runs[0].params.lr === 0.1 && runs[0].metrics.loss?.count === 3 && runs;
    });
    assert.equal(run.status, 'running');
    assert.equal(run.capture.source, 'notebook');
    assert.equal(run.experiment, path.basename(file, '.ipynb'));
    assert.equal((run.capture.kernel as { pid?: number }).pid, kernel.pid(notebook), 'the client attached');
    assert.equal(run.capture.pid, undefined);

    const records = await cells(run, 3);
    assert.deepEqual(
      records.map((r) => [r.index, r.order, r.success]),
      [
        [0, 1, true],
        [1, 2, true],
        [2, 3, false],
      ],
    );
    assert.equal(records[1].source, CELLS[1]);
    assert.deepEqual(
      records.map((r) => r.cell),
      ['cell-0', 'cell-1', 'cell-2'],
      'the ids of the notebook format',
    );
    assert.equal(records[1].outputs.preview, 'done\n');
    assert.deepEqual(records[2].outputs.error, { name: 'ValueError', message: 'boom' });
    assert.ok(records.every((r) => r.durationMs >= 0 && Date.parse(r.end) >= Date.parse(r.start)));
    const pointer = await readPointer(ctx.store!.root, file);
    assert.equal(pointer?.runId, run.id, 'the kernel was told this run');

    // Run details show the cell timeline: which cells ran, in what order, which failed.
    const { details } = await api();
    await vscode.commands.executeCommand('runlog.showRunDetails', run.id);
    const timeline = await until(
      'the cell timeline on the details page',
      () => details.get(run.id)?.cellsSent,
    );
    assert.equal(timeline.total, 3);
    assert.equal(timeline.failed, 1);
    assert.deepEqual(
      timeline.entries.map((e) => [e.index, e.order, e.success]),
      [
        [0, 1, true],
        [1, 2, true],
        [2, 3, false],
      ],
    );
    assert.equal(timeline.notebook, run.capture.notebook);
    details.get(run.id)?.dispose();

    // Kernel restart: the next cell runs in a new session, so in a new run; the first one ends failed (last cell).
    kernel.restart();
    await execute(notebook, 0, 1);
    const [first, second] = await until(
      'a second run after the restart, the new kernel logging into it',
      async () => {
        const runs = await notebookRuns();
        return runs.length === 2 && runs[0].status !== 'running' && runs[1].params.lr === 0.1 && runs;
      },
    );
    assert.equal(first.id, run.id);
    assert.equal(first.status, 'failed');
    assert.deepEqual(first.error, { type: 'ValueError', message: 'boom' });
    assert.equal(second.status, 'running');
    assert.deepEqual(
      (await cells(second, 1)).map((r) => [r.index, r.order]),
      [[0, 1]],
    );
    assert.notEqual(
      (second.capture.kernel as { pid?: number }).pid,
      (first.capture.kernel as { pid?: number }).pid,
    );

    // Comparing the two sessions lists the cells whose source differs: cells 1 and 2 ran only in the first.
    const { compare } = await api();
    const session = compare.openCompare([first.id, second.id], [first.name, second.name]);
    const compared = await until('the comparison with notebook cells', () =>
      [...session.sent]
        .reverse()
        .find((m): m is Extract<typeof m, { type: 'setComparison' }> => m.type === 'setComparison'),
    );
    assert.deepEqual(
      (compared.state.cells ?? []).map((c) => c.cellId),
      [`Cell 2 (cell-1): ${first.name} → ${second.name}`, `Cell 3 (cell-2): ${first.name} → ${second.name}`],
    );
    assert.ok((compared.state.cells ?? []).every((c) => c.diff.startsWith(`- removed in ${second.name}`)));

    // Closing the notebook ends its run as finished and withdraws the pointer.
    assert.ok(await notebook.save());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the notebook document to close', () => notebook.isClosed);
    await until('the run to end when the notebook closes', async () => {
      const runs = await notebookRuns();
      return runs[1]?.status === 'finished';
    });
    assert.equal(fs.existsSync(pointerFile(ctx.store!.root, file)), false);
  });

  it("ends the run when the notebook's kernel changes", async () => {
    const notebook = await openWithKernel();
    await execute(notebook, 0, 1);
    const [run] = await until('the run', async () => {
      const runs = await notebookRuns();
      return runs.length === 1 && runs;
    });
    const metadata = notebook.metadata as { metadata?: Record<string, unknown> };
    const edit = new vscode.WorkspaceEdit();
    const kernelspec = { name: 'other-python', display_name: 'Other Python', language: 'python' };
    edit.set(notebook.uri, [
      vscode.NotebookEdit.updateNotebookMetadata(
        metadata.metadata
          ? { ...notebook.metadata, metadata: { ...metadata.metadata, kernelspec } }
          : { ...notebook.metadata, kernelspec },
      ),
    ]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until('the run to end', async () => (await notebookRuns())[0]?.status === 'finished');
    await execute(notebook, 0, 1);
    const runs = await until('a new run for the new kernel', async () => {
      const all = await notebookRuns();
      return all.length === 2 && all;
    });
    assert.equal(runs[0].id, run.id);
    assert.equal(runs[1].status, 'running');
  });

  it('tracks only notebooks turned on with the toolbar toggle when the setting says optIn', async () => {
    const { ctx } = await api();
    await vscode.workspace.getConfiguration('runlog').update('notebooks.track', 'optIn');
    const notebook = await openWithKernel();
    // The setting reaches the tracker through a configuration event: wait until it let go of this notebook.
    const { notebooks } = await api();
    await until('the notebook untracked under optIn', () => !notebooks.isTracked(notebook));
    await execute(notebook, 0, 1);
    assert.equal(fs.existsSync(pointerFile(ctx.store!.root, file)), false, 'not announced to the kernel');
    await vscode.commands.executeCommand('runlog.trackNotebook');
    await execute(notebook, 1, 2);
    const [run] = await until('a run for the cells run after the toggle', async () => {
      const runs = await notebookRuns();
      return runs.length === 1 && runs;
    });
    assert.deepEqual(
      (await cells(run, 1)).map((r) => r.index),
      [1],
    );
    const pointer = await readPointer(ctx.store!.root, file);
    assert.equal(pointer?.runId, run.id, 'the kernel is told the run the toggle started');
  });

  it('opens a notebook at a cell, and refuses what is not a notebook cell', async () => {
    const relative = vscode.workspace.asRelativePath(file, false);
    await vscode.commands.executeCommand('runlog.openNotebookCell', relative, 2);
    const editor = await until('the notebook editor', () => vscode.window.activeNotebookEditor);
    assert.equal(editor.notebook.uri.fsPath, file);
    assert.equal(editor.selection.start, 2);
    await assert.rejects(openNotebookCell('../../etc/passwd.ipynb', 0), /does not exist/);
    await assert.rejects(openNotebookCell('train.py', 0), /not a notebook/);
    await assert.rejects(openNotebookCell(relative, -1), /cell number/);
    await assert.rejects(openNotebookCell(relative, 99), /has 3 cells/);
  });
});
