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
import { FIXTURE_WORKSPACE, until, useWorkbench, type Workbench, type WorkbenchOptions } from './workbench';

/** Runs view → right-click the run → Promote Run… → accept the suggested version → pick the alias → Promote. */
async function promoteFromRunsView(wb: Workbench, run: string, alias: string): Promise<string> {
  const { page } = wb;
  const row = wb.view('Runs').locator('.monaco-list-row', { hasText: run }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.click({ button: 'right' });
  await wb.clickMenuItem('Promote Run');

  // The version: the registry's next version is suggested; Enter takes it.
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await until('a suggested version', async () => /^\d+\.\d+\.\d+$/.test(await input.inputValue()));
  const version = await input.inputValue();
  await wb.screenshot(`the suggested version for ${run}`);
  await page.keyboard.press('Enter');

  await pickAlias(wb, alias);
  // The confirmation names the run, the reference and the pipeline.
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(
    await dialog.innerText(),
    new RegExp(`Promote run ${run} to .*team/churn:${version.replace(/\./g, '\\.')} and move ${alias}`),
  );
  await wb.screenshot(`confirm ${run}`);
  await dialog.locator('.monaco-button', { hasText: /^Promote$/ }).click();
  await wb.notification(`Promoted ${run} as ${version} (${alias})`).waitFor({ timeout: 90_000 });
  return version;
}

async function pickAlias(wb: Workbench, alias: string): Promise<void> {
  const input = wb.page.locator('.quick-input-widget input');
  await until('the alias pick', async () =>
    /alias/i.test((await input.getAttribute('placeholder').catch(() => null)) ?? ''),
  );
  await wb.screenshot(`which alias`);
  await wb.page.keyboard.type(alias);
  await wb.page
    .locator('.quick-input-list .monaco-list-row.focused', { hasText: alias })
    .first()
    .waitFor({ timeout: 15_000 });
  await wb.page.keyboard.press('Enter');
}

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
    const challenger = writeRun(
      store,
      {
        name: 'challenger',
        experiment: 'churn',
        startTime: new Date(Date.now() - 60_000).toISOString(),
        artifacts: [{ path: 'artifacts/model.bin', size: 11, model: { name: 'churn', flavor: 'sklearn' } }],
      },
      series('acc', [0.8, 0.91]),
    );
    fs.mkdirSync(path.join(store, 'runs', challenger.id, 'artifacts'));
    fs.writeFileSync(path.join(store, 'runs', challenger.id, 'artifacts', 'model.bin'), 'challenger!');
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

  it('pushes the model, moves the alias, runs the pipeline, lists the version, and rolls the alias back', async function () {
    this.timeout(180_000);
    const { page } = wb;
    await wb.openRunlogSidebar();
    const version = await promoteFromRunsView(wb, 'winner', 'staging');
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

    // A second promotion moves staging on; Roll Back to This Version on the first puts it back.
    await wb.runCommand('Notifications: Clear All Notifications');
    const next = await promoteFromRunsView(wb, 'challenger', 'staging');
    assert.notEqual(next, version);
    const nextRow = registryView.locator('.monaco-list-row', { hasText: next }).first();
    await nextRow.waitFor({ timeout: 30_000 });
    await until('staging on the new version in the Registry view', async () =>
      /\[staging\].*challenger/.test((await nextRow.innerText()).replace(/\s+/g, ' ')),
    );
    assert.notEqual(skopeoRawManifest(`${registry!.host}/team/churn:staging`), staged);
    await versionRow.click({ button: 'right' });
    await wb.clickMenuItem('Roll Back to This Version');
    await pickAlias(wb, 'staging');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(
      await dialog.innerText(),
      new RegExp(`Roll back staging of .*team/churn to ${version.replace(/\./g, '\\.')}`),
    );
    await dialog.locator('.monaco-button', { hasText: /^Roll back$/ }).click();
    await until(
      'staging back on the first version in the Registry view',
      async () => /\[staging\].*winner/.test((await versionRow.innerText()).replace(/\s+/g, ' ')),
      30_000,
    );
    assert.equal(
      skopeoRawManifest(`${registry!.host}/team/churn:staging`),
      staged,
      'staging is the first model again',
    );
    await wb.screenshot('rolled back');
  });
});
