// Promotion inside a real VS Code: Runlog: Promote Run… against a real registry (docker-registry on loopback, read
// back with skopeo), gates, the Registry view, rollback, and a local-command pipeline. Prompts are answered through
// the command's arguments (the same ones other commands and the webviews pass).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readAudit } from '../../src/core/promote/audit';
import type { PromoteResult, RollbackResult } from '../../src/core/promote/promote';
import type { RegistryNode } from '../../src/extension/registry/registryTree';
import { skopeoRawManifest, startRegistry, type TestRegistry } from '../fixtures/registry';
import { series, writeRun } from '../fixtures/runs';
import { api, until } from './helpers';

const workspace = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

describe('Promotion', function () {
  this.timeout(120_000);
  let registry: TestRegistry;
  const targetsFile = () => path.join(workspace(), 'runlog.targets.json');
  const deployed = () => path.join(workspace(), 'deployed.txt');
  const runIds: string[] = [];

  before(async () => {
    registry = await startRegistry();
    fs.writeFileSync(
      targetsFile(),
      JSON.stringify({
        targets: {
          local: {
            registry: `${registry.host}/team/churn`,
            gates: ['metrics.acc >= 0.9', 'status == "finished"'],
            aliases: ['staging', 'production'],
            pipeline: {
              type: 'command',
              command: ['sh', '-c', `printf '%s' "$RUNLOG_MODEL" > '${deployed()}'`],
            },
          },
        },
      }),
    );
  });

  after(async () => {
    await registry?.stop();
    fs.rmSync(targetsFile(), { force: true });
    fs.rmSync(deployed(), { force: true });
    const store = (await api()).ctx.store;
    for (const id of runIds)
      if (store) fs.rmSync(path.join(store.root, 'runs', id), { recursive: true, force: true });
  });

  async function modelRun(name: string, acc: number): Promise<string> {
    const { ctx } = await api();
    const store = ctx.requireStore();
    await store.ensureCreated();
    const doc = writeRun(
      store.root,
      {
        name,
        artifacts: [{ path: 'artifacts/model.bin', size: 6, model: { name: 'churn', flavor: 'sklearn' } }],
      },
      series('acc', [0.5, acc]),
    );
    runIds.push(doc.id);
    fs.mkdirSync(path.join(store.root, 'runs', doc.id, 'artifacts'), { recursive: true });
    fs.writeFileSync(path.join(store.root, 'runs', doc.id, 'artifacts', 'model.bin'), name);
    await until(`run ${name} in the index`, async () => (await ctx.index())?.get(doc.id));
    return doc.id;
  }

  it('promotes a run through the command: pushed, tagged, alias moved, pipeline run, audited', async () => {
    const id = await modelRun('good', 0.95);
    const result = await vscode.commands.executeCommand<PromoteResult | undefined>('runlog.promoteRun', id, {
      target: 'local',
      version: '1.0.0',
      alias: 'production',
      confirm: true,
    });
    assert.ok(result, 'the command returned no result (see the Runlog log)');
    assert.equal(result.outcome, 'pipeline succeeded');
    const raw = skopeoRawManifest(`${registry.host}/team/churn:production`);
    const manifest = JSON.parse(raw) as { annotations: Record<string, string>; artifactType: string };
    assert.equal(manifest.annotations['dev.runlog.run.id'], id);
    assert.equal(manifest.artifactType, 'application/vnd.kitops.modelkit.manifest.v1+json');
    assert.equal(fs.readFileSync(deployed(), 'utf8'), result.reference);
    const store = (await api()).ctx.requireStore();
    const audit = await readAudit(store.root);
    assert.deepEqual(
      audit.filter((r) => r.runId === id).map((r) => r.outcome),
      ['pushed', 'pipeline succeeded'],
    );
    const shown = await vscode.commands.executeCommand<number>('runlog.showPromotionHistory', id);
    assert.equal(shown, 2);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, new RegExp(`# Promotion history of run ${id}`));
    assert.match(text, /promote .* 1\.0\.0 → production {2}pushed/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('refuses a run that fails the gates, saying why, and pushes nothing', async () => {
    const id = await modelRun('weak', 0.7);
    const result = await vscode.commands.executeCommand('runlog.promoteRun', id, {
      target: 'local',
      version: '9.0.0',
      alias: null,
      overrideGates: false,
      confirm: true,
    });
    assert.equal(result, undefined);
    assert.throws(() => skopeoRawManifest(`${registry.host}/team/churn:9.0.0`));
  });

  it('lists versions with alias badges in the Registry view and rolls an alias back', async () => {
    const id = await modelRun('better', 0.97);
    await vscode.commands.executeCommand('runlog.promoteRun', id, {
      target: 'local',
      version: '1.1.0',
      alias: 'production',
      confirm: true,
    });
    const { promotion } = await api();
    promotion.registry.refresh();
    const [target] = await promotion.registry.getChildren();
    assert.equal(target.kind, 'target');
    const versions = (await promotion.registry.getChildren(target)) as (RegistryNode & { kind: 'version' })[];
    assert.deepEqual(
      versions.map((v) => [v.version.tag, v.version.aliases]),
      [
        ['1.1.0', ['production']],
        ['1.0.0', []],
      ],
    );
    const item = promotion.registry.getTreeItem(versions[0]);
    assert.match(String(item.description), /\[production\] · better · acc=0\.97/);
    const reference = await vscode.commands.executeCommand<string>('runlog.copyModelReference', versions[1]);
    assert.equal(await vscode.env.clipboard.readText(), reference);
    const back = await vscode.commands.executeCommand<RollbackResult>('runlog.rollbackToVersion', {
      target: 'local',
      version: '1.0.0',
      alias: 'production',
      confirm: true,
    });
    assert.equal(back.digest, versions[1].version.digest);
    promotion.registry.refresh();
    const after = (await promotion.registry.getChildren(target)) as (RegistryNode & { kind: 'version' })[];
    assert.deepEqual(
      after.map((v) => [v.version.tag, v.version.aliases]),
      [
        ['1.1.0', []],
        ['1.0.0', ['production']],
      ],
    );
  });
});
