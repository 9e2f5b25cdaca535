// A notebook run as a user meets it in the real workbench, with the packaged .vsix: open a notebook, run all its
// cells (kernel: a test-only extension running a real python3, installed beside Runlog), and see the run in the Runs
// view with a notebook icon and its cells at a glance; the notebook toolbar says the notebook is tracked.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildNotebookKernelVsix } from './notebookKernelVsix';
import { FIXTURE_WORKSPACE, useWorkbench, type WorkbenchOptions } from './workbench';

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

  it('runs its cells and shows the run in the Runs view with its cells and failures', async function () {
    this.timeout(180_000);
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
  });
});
