// Shipping the run that won, as a user does it in the real workbench with the packaged .vsix: right-click the run,
// Promote Run…, accept the suggested version, pick the alias, confirm; the model lands in a real registry
// (docker-registry on loopback, read back with skopeo), the local-command pipeline runs, a notification says so, and
// the Registry view lists the version with its alias.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { skopeoRawManifest, startRegistry, type TestRegistry } from '../fixtures/registry';
import { series, writeRun } from '../fixtures/runs';
import { FIXTURE_WORKSPACE, until, useWorkbench, type WorkbenchOptions } from './workbench';

describe('Promoting a run from the Runs view', () => {
  const options: WorkbenchOptions = { name: 'promote' };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlog-e2e-promote-'));
  const deployed = path.join(root, 'deployed.txt');
  let registry: TestRegistry | undefined;

  before(async function () {
    this.timeout(60_000);
    registry = await startRegistry();
    const workspace = path.join(root, 'workspace');
    fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
    const store = path.join(workspace, '.runlog');
    const doc = writeRun(
      store,
      {
        name: 'winner',
        experiment: 'churn',
        artifacts: [{ path: 'artifacts/model.bin', size: 6, model: { name: 'churn', flavor: 'sklearn' } }],
      },
      series('acc', [0.7, 0.93]),
    );
    fs.mkdirSync(path.join(store, 'runs', doc.id, 'artifacts'));
    fs.writeFileSync(path.join(store, 'runs', doc.id, 'artifacts', 'model.bin'), 'model!');
    fs.writeFileSync(
      path.join(workspace, 'runlog.targets.json'),
      JSON.stringify({
        targets: {
          local: {
            registry: `${registry.host}/team/churn`,
            gates: ['metrics.acc >= 0.9'],
            aliases: ['staging', 'production'],
            pipeline: {
              type: 'command',
              command: ['sh', '-c', `printf '%s' "$RUNLOG_MODEL" > '${deployed}'`],
            },
          },
        },
      }),
    );
    options.workspace = workspace;
  });
  const wb = useWorkbench(options);
  after(async () => {
    await registry?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('pushes the model, moves the alias, runs the pipeline and lists the version in the Registry view', async function () {
    this.timeout(180_000);
    const { page } = wb;
    await wb.openRunlogSidebar();
    const row = wb.view('Runs').locator('.monaco-list-row', { hasText: 'winner' }).first();
    await row.waitFor({ timeout: 60_000 });
    await row.click({ button: 'right' });
    const item = page.locator('.context-view .action-item', { hasText: 'Promote Run' }).first();
    await item.waitFor({ state: 'visible' });
    await item.hover();
    await item.click();

    // The version: a new registry suggests the first version; Enter takes it.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await until('a suggested version', async () => /^\d+\.\d+\.\d+$/.test(await input.inputValue()));
    const version = await input.inputValue();
    await wb.screenshot('the suggested version');
    await page.keyboard.press('Enter');

    // The alias.
    const staging = page.locator('.quick-input-list .monaco-list-row', { hasText: /^staging$/ }).first();
    await staging.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('which alias');
    await staging.click();

    // The confirmation names the run, the reference and the pipeline.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(
      await dialog.innerText(),
      new RegExp(`Promote run winner to .*team/churn:${version} and move staging`),
    );
    await wb.screenshot('confirm');
    await dialog.locator('.monaco-button', { hasText: /^Promote$/ }).click();

    const done = wb.notification(`Promoted winner as ${version} (staging)`);
    await done.waitFor({ timeout: 90_000 });
    await wb.screenshot('promoted');

    // What the registry holds, read by an independent client; what the pipeline was given.
    const staged = skopeoRawManifest(`${registry!.host}/team/churn:staging`);
    assert.ok((JSON.parse(staged) as { layers: unknown[] }).layers.length >= 1, 'a model layer');
    assert.equal(
      skopeoRawManifest(`${registry!.host}/team/churn:${version}`),
      staged,
      'alias and version agree',
    );
    await until('the pipeline to run', () => Promise.resolve(fs.existsSync(deployed)));
    assert.match(fs.readFileSync(deployed, 'utf8'), new RegExp(`team/churn@sha256:[0-9a-f]{64}`));

    // The Registry view: target → the version, with the alias and the run.
    const registryView = wb.view('Registry');
    const target = registryView.locator('.monaco-list-row', { hasText: 'local' }).first();
    await target.waitFor({ timeout: 30_000 });
    await target.click();
    const versionRow = registryView.locator('.monaco-list-row', { hasText: version }).first();
    await versionRow.waitFor({ timeout: 30_000 });
    assert.match((await versionRow.innerText()).replace(/\s+/g, ' '), /\[staging\].*winner/);
    await wb.screenshot('the registry view');
  });
});
