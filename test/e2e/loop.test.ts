// The everyday loop in the real workbench with the packaged .vsix: a finished run says so in a notification with
// Show Details, and stopping a run (Stop Run, Ctrl-C in its terminal) ends it without VS Code's "terminal process
// terminated with exit code" error.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { until, useWorkbench, type Workbench } from './workbench';

const LONG_SCRIPT =
  'import time\nfor i in range(600):\n    print(f"step {i} loss={1/(i+1):.4f}", flush=True)\n    time.sleep(0.1)\n';

/** Opens a workspace file with Quick Open and runs it with the editor's run button. */
async function runFromEditor(wb: Workbench, file: string): Promise<void> {
  const { page } = wb;
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: file }).waitFor({ state: 'visible', timeout: 30_000 });
  const runButton = page.locator(
    '.editor-actions a.action-label[aria-label="Run Python File with Tracking"]',
  );
  await runButton.waitFor({ state: 'visible', timeout: 30_000 });
  await runButton.click();
}

/**
 * Runs long.py from the editor and waits until that run is live (a new row, and its metric in the status bar);
 * returns its name as the status bar shows it.
 */
async function startLongRun(wb: Workbench): Promise<string> {
  const rows = wb.view('Runs').locator('.monaco-list-row');
  const before = await rows.count();
  await runFromEditor(wb, 'long.py');
  await until('a new row in the Runs view', async () => (await rows.count()) > before, 60_000);
  const live = wb.page.locator('.statusbar-item', { hasText: /step \d+ · loss/ }).first();
  await live.waitFor({ timeout: 60_000 });
  return (await live.innerText()).split(' · ')[0].trim();
}

/** The error toast VS Code shows when a terminal's process ends with a non-zero code. */
function exitCodeError(wb: Workbench) {
  return wb.notification(/terminated with exit code/);
}

describe('The everyday loop', () => {
  const wb = useWorkbench({ name: 'loop' });

  before(() => {
    fs.writeFileSync(path.join(wb.workspacePath, 'long.py'), LONG_SCRIPT);
  });

  it('a finished run says so in a notification with Show Details', async function () {
    this.timeout(120_000);
    await wb.openRunlogSidebar();
    await runFromEditor(wb, 'train.py');
    const notice = wb.notification(/Run \S+ finished in \d+m?s · loss 0\.1667/).first();
    await notice.waitFor({ state: 'visible', timeout: 60_000 });
    await wb.screenshot('finished notification');
    const button = notice.getByRole('button', { name: 'Show Details' });
    await button.waitFor({ state: 'visible' });
    await button.click();
    const frame = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.getByText('Params', { exact: false }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('details from the notification');
  });

  it('Stop Run ends a live run without an exit-code error, and says it was stopped', async function () {
    this.timeout(120_000);
    await wb.openRunlogSidebar();
    await startLongRun(wb);
    const runs = wb.view('Runs');
    await wb.viewHeader('Runs').hover();
    const stop = runs.locator('.pane-header a.action-label[aria-label="Stop Run"]');
    await stop.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('running, before stop');
    await stop.click();
    // Without a run named, Stop asks which: the live run is offered first.
    const pick = wb.page.locator('.quick-input-widget', {
      has: wb.page.locator('input[placeholder="Run to stop"]'),
    });
    await pick.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.page.keyboard.press('Enter');
    await wb
      .notification(/Run \S+ was stopped after/)
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('stopped');
    assert.equal(await exitCodeError(wb).count(), 0, 'no "terminated with exit code" error');
  });

  it('Ctrl-C in the run’s terminal interrupts it without an exit-code error', async function () {
    this.timeout(120_000);
    await wb.openRunlogSidebar();
    const runs = wb.view('Runs');
    const name = await startLongRun(wb);
    // Focus the run's terminal (the launch made it the active one) and press Ctrl-C there.
    await wb.runCommand('Terminal: Focus Terminal');
    await wb.page.locator('.part.panel .terminal.xterm.focus').first().waitFor({ timeout: 15_000 });
    await wb.page.keyboard.press('Control+C');
    // That run (not the one the previous test stopped, whose row may still be catching up) shows interrupted.
    await runs
      .locator('.monaco-list-row', { hasText: name, has: wb.page.locator('.codicon-circle-slash') })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.screenshot('interrupted with ctrl-c');
    assert.equal(await exitCodeError(wb).count(), 0, 'no "terminated with exit code" error');
    assert.equal(
      await runs.locator('.monaco-list-row', { has: wb.page.locator('.codicon-sync') }).count(),
      0,
    );
  });
});
