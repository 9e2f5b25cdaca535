// A notebook run as a user meets it in the real workbench, with the packaged .vsix: open a notebook, run all its
// cells (kernel: a test-only extension running a real python3, installed beside Runlog), see the run in the Runs view
// with a notebook icon and its cells at a glance, read its cell timeline in the details and jump to the failed cell,
// then restart the kernel, edit a cell, run again, and compare the two sessions: the edited cell's diff shows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildNotebookKernelVsix } from './notebookKernelVsix';
import { FIXTURE_WORKSPACE, until, useWorkbench, webviewFrame, type WorkbenchOptions } from './workbench';

const CELLS = [
  'import runlog\nrunlog.log_param("lr", 0.1)',
  'for i in range(3):\n    runlog.log_metric("loss", 1 / (i + 1))\nprint("done")',
  'raise ValueError("boom")',
];

describe('A tracked notebook', () => {
  const options: WorkbenchOptions = { name: 'notebooks' };
  let cleanup: (() => void)[] = [];
  before(function () {
    this.timeout(120_000);
    const kernel = buildNotebookKernelVsix();
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'runlog-e2e-nb-'));
    cleanup = [() => kernel.dispose(), () => fs.rmSync(workspace, { recursive: true, force: true })];
    fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
    fs.writeFileSync(
      path.join(workspace, 'analysis.ipynb'),
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
        cells: CELLS.map((source, i) => ({
          cell_type: 'code',
          id: `c${i}`,
          metadata: {},
          execution_count: null,
          outputs: [],
          source,
        })),
      }),
    );
    options.workspace = workspace;
    options.extraVsix = [kernel.vsix];
  });
  const wb = useWorkbench(options);
  after(() => cleanup.forEach((dispose) => dispose()));

  it('runs its cells, shows the run in the Runs view and its cell timeline, and compares two sessions', async function () {
    this.timeout(300_000);
    const { page } = wb;
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type('analysis.ipynb');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'analysis.ipynb' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page
      .locator('.tab.active', { hasText: 'analysis.ipynb' })
      .waitFor({ state: 'visible', timeout: 60_000 });

    // The notebook toolbar says Runlog tracks this notebook (setting runlog.notebooks.track = all).
    const tracked = page.locator('.notebook-toolbar-container .action-item', { hasText: 'Runlog: Tracked' });
    await tracked.first().waitFor({ state: 'visible', timeout: 30_000 });

    await wb.runCommand('Runlog Test: Select Test Kernel');
    await wb.runCommand('Notebook: Run All');
    await page.locator('.notebook-editor .codicon-notebook-state-error').first().waitFor({ timeout: 60_000 });
    await wb.screenshot('cells run, the last one failed');

    await wb.openRunlogSidebar();
    const runs = wb.view('Runs');
    await runs.locator('.monaco-list-row', { hasText: 'analysis' }).first().waitFor({ timeout: 60_000 });
    const row = runs.locator('.monaco-list-row', { hasText: '3 cells · 1 failed' }).first();
    await row.waitFor({ timeout: 60_000 });
    assert.equal(await row.locator('.codicon-notebook-kernel-select').count(), 1, 'a running notebook run');
    await wb.screenshot('the notebook run in the Runs view');

    // Details: the cell timeline, with the failed cell's error, and a link that opens the notebook at that cell.
    await row.click();
    const details = await webviewFrame(page, '.cells-timeline');
    const entries = details.locator('.cells-timeline .cell-entry');
    await details.locator('.cells-summary', { hasText: '3 cell executions, 1 failed' }).waitFor();
    assert.equal(await entries.count(), 3);
    const failed = details.locator('.cell-entry.cell-failed');
    assert.equal(await failed.count(), 1);
    assert.match(await failed.innerText(), /Cell 3[\s\S]*ValueError: boom/);
    await wb.screenshot('the cell timeline in the run details');
    await failed.getByText('Open', { exact: true }).click();
    const focused = page.locator('.notebook-editor .monaco-list-row.focused');
    await focused.filter({ hasText: 'raise ValueError' }).waitFor({ timeout: 30_000 });
    await wb.screenshot('the notebook opened at the failed cell');

    // A kernel restart ends the session; after an edit, running the cells again makes a second run, and comparing
    // the two shows the edited cell's source diff.
    await wb.runCommand('Runlog Test: Restart Test Kernel');
    const firstEditor = page.locator('.notebook-editor .cell-editor-container .monaco-editor').first();
    await firstEditor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nseed = 7');
    await page.keyboard.press('Escape');
    await wb.runCommand('Notebook: Run All');
    const notebookRows = runs.locator('.monaco-list-row', { hasText: '3 cells · 1 failed' });
    await wb.openRunlogSidebar();
    await until('two notebook runs in the Runs view', async () => (await notebookRows.count()) === 2, 60_000);
    await notebookRows.nth(0).click();
    await notebookRows.nth(1).click({ modifiers: ['Control'] });
    await notebookRows.nth(1).click({ button: 'right' });
    await wb.clickMenuItem('Compare Runs');
    const compare = await webviewFrame(page, '.compare-header');
    const changed = compare.locator('.cells', { hasText: 'Notebook cells that changed (1)' });
    await changed.waitFor({ timeout: 30_000 });
    // Read as an edit: from the first session to the second, whichever run is the baseline.
    assert.match(
      await changed.locator('summary').innerText(),
      /^Cell 1 \(c0\): analysis \S+ → analysis \S+$/,
    );
    assert.match(await changed.locator('pre.diff').innerText(), /^\+seed = 7$/m);
    await changed.scrollIntoViewIfNeeded();
    await wb.screenshot('two notebook runs compared');
  });
});
