// A user's first tracked run, clicked through the real workbench with the packaged .vsix, on the demo workspace:
// open train.py, press the editor's run button, watch the run live in the Runs view and the status bar, open its
// details and see the params and a chart per metric.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { REPO_ROOT, useWorkbench } from './workbench';

describe('A tracked run of the demo script', () => {
  const wb = useWorkbench({ name: 'runs', workspace: path.join(REPO_ROOT, 'demo') });

  it('runs from the editor button, shows live in the Runs view and status bar, and opens its details', async function () {
    this.timeout(180_000);
    const { page } = wb;
    // Open demo/train.py with Quick Open.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type('train.py');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'train.py' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'train.py' }).waitFor({ state: 'visible', timeout: 30_000 });

    await wb.openRunlogSidebar();
    const runButton = page.locator(
      '.editor-actions a.action-label[aria-label="Run Python File with Tracking"]',
    );
    await runButton.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('train.py open with the run button');
    await runButton.click();

    // Live: the experiment and a running run appear in the Runs view; the status bar follows the run.
    const runs = wb.view('Runs');
    await runs.locator('.monaco-list-row', { hasText: 'train' }).first().waitFor({ timeout: 60_000 });
    const runningRow = runs.locator('.monaco-list-row', { has: page.locator('.codicon-sync') });
    await runningRow.first().waitFor({ timeout: 60_000 });
    const status = page.locator('.statusbar-item', { hasText: /step \d+ · loss/ });
    await status.first().waitFor({ timeout: 30_000 });
    await wb.screenshot('running live in the runs view and status bar');

    // Finished: the spinner becomes a check, and the description shows the primary metric.
    const finishedRow = runs.locator('.monaco-list-row', { has: page.locator('.codicon-pass') }).first();
    await finishedRow.waitFor({ timeout: 120_000 });
    assert.match((await finishedRow.innerText()).replace(/\s+/g, ' '), /\d+s · loss \d/);
    // Nothing runs any more, so the Runs view offers Refresh but no Stop (title actions show on hover).
    await wb.viewHeader('Runs').hover();
    const titleAction = (label: string) => runs.locator(`.pane-header a.action-label[aria-label="${label}"]`);
    await titleAction('Refresh Runs').waitFor({ state: 'visible', timeout: 15_000 });
    await titleAction('Stop Run').waitFor({ state: 'hidden', timeout: 15_000 });
    await wb.screenshot('finished');

    // Details: click the run; the webview shows its params and one chart per metric.
    await finishedRow.click();
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.getByText('Params', { exact: false }).first().waitFor({ timeout: 30_000 });
    await frame.getByText('hidden', { exact: true }).first().waitFor({ timeout: 30_000 });
    await frame.locator('canvas, svg.marks').first().waitFor({ timeout: 30_000 });
    await wb.screenshot('run details');
    const charts = await frame.locator('canvas, svg.marks').count();
    assert.ok(charts >= 2, `a chart per metric, saw ${charts}`);

    // A window reload brings the open details panel back with its run (the page's serializer).
    await wb.runCommand('Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await page
      .locator('.tab', { hasText: /^Run: / })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    const revived = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await revived.getByText('hidden', { exact: true }).first().waitFor({ timeout: 60_000 });
    await revived.locator('canvas, svg.marks').first().waitFor({ timeout: 30_000 });
    await wb.screenshot('details restored after a window reload');
  });
});
