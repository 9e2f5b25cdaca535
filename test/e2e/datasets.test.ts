// Dataset versions as a user meets them in the real workbench with the packaged .vsix: Track Dataset… from the
// Explorer's context menu on a CSV (the bundled Python client hashes and profiles it, with real python3), change the
// file, track it again, and compare the two versions from the Datasets view: the diff page says what changed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_WORKSPACE, until, useWorkbench, webviewFrame, type Workbench } from './workbench';

const V1 = ['id,x,city', '1,0.5,Paris', '2,1.5,Lyon', '3,2.5,Nice', ''].join('\n');
const V2 = ['id,x,city,label', '1,0.5,Paris,a', '2,9.5,Lyon,b', '4,4.5,Metz,c', '5,5.5,Brest,d', ''].join(
  '\n',
);

/** Explorer → right-click data/train.csv → Track Dataset… → accept the name → wait for the notice. */
async function trackFromExplorer(wb: Workbench, notice: RegExp): Promise<void> {
  const { page } = wb;
  await page.keyboard.press('Control+Shift+E');
  const explorer = page.locator('.explorer-folders-view');
  const folder = explorer.locator('.monaco-list-row', { hasText: /^data$/ }).first();
  await folder.waitFor({ timeout: 30_000 });
  const file = explorer.locator('.monaco-list-row', { hasText: 'train.csv' }).first();
  if (!(await file.isVisible())) await folder.click();
  await file.click({ button: 'right' });
  await wb.clickMenuItem('Track Dataset');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await input.inputValue(), 'train.csv', 'the file name is the suggested dataset name');
  await page.keyboard.press('Enter');
  await wb.notification(notice).first().waitFor({ timeout: 60_000 });
}

describe('Tracking and comparing dataset versions', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlog-e2e-datasets-'));
  const workspace = path.join(root, 'workspace');
  fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  fs.mkdirSync(path.join(workspace, 'data'));
  fs.writeFileSync(path.join(workspace, 'data', 'train.csv'), V1);
  const wb = useWorkbench({ name: 'datasets', workspace });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('tracks a CSV twice from the Explorer and shows what changed between the versions', async function () {
    this.timeout(180_000);
    const { page } = wb;
    await trackFromExplorer(wb, /Tracked train\.csv @ [0-9a-f]+: \d+ B, 1 file/);
    await wb.screenshot('tracked the first version');
    // The notice leads to the new version.
    await wb
      .notification(/Tracked train\.csv/)
      .locator('.monaco-button', { hasText: 'Show in Datasets View' })
      .click();
    await wb
      .view('Datasets')
      .locator('.monaco-list-row', { hasText: /train\.csv\s*1 version/ })
      .waitFor({ timeout: 30_000 });

    const csv = path.join(wb.workspacePath, 'data', 'train.csv');
    fs.writeFileSync(csv, V2);
    await wb.runCommand('Notifications: Clear All Notifications');
    await trackFromExplorer(wb, /Tracked train\.csv @ [0-9a-f]+/);

    // Datasets view: train.csv → two versions; compare the newest with the other.
    await wb.openRunlogSidebar();
    const datasets = wb.view('Datasets');
    const name = datasets.locator('.monaco-list-row', { hasText: 'train.csv' }).first();
    await name.waitFor({ timeout: 30_000 });
    await until('both versions in the Datasets view', async () => /2 versions/.test(await name.innerText()));
    if ((await name.getAttribute('aria-expanded')) !== 'true') await name.click();
    const versions = datasets.locator('.monaco-list-row[aria-level="2"]');
    await versions.nth(1).waitFor({ timeout: 30_000 });
    await versions.nth(0).click({ button: 'right' });
    await wb.clickMenuItem('Compare Dataset Versions');
    const other = page.locator('.quick-input-list .monaco-list-row').first();
    await other.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('compare with which version');
    await other.click();

    const diff = await webviewFrame(page, 'text=Summary', 60_000);
    // Older → newer, whichever version was right-clicked: the column and the row were added.
    await diff.getByText('Columns added: label').first().waitFor({ timeout: 30_000 });
    const text = (await diff.locator('body').innerText()).replace(/\s+/g, ' ');
    assert.match(text, /0 added, 0 deleted, 1 modified/, 'the file is listed as modified');
    assert.match(text, /train\.csv: 3 → 4 rows/, 'the row count change');
    await wb.screenshot('the dataset diff');
  });
});
