// Promotion inside a real VS Code: Runlog: Promote Run… against a real registry (docker-registry on loopback, read
// back with skopeo), gates, the Registry view, rollback, and a local-command pipeline. Prompts are answered through
// the command's arguments (the same ones other commands and the webviews pass).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { readAudit } from '../../src/core/promote/audit';
import type { PromoteResult, RollbackResult } from '../../src/core/promote/promote';
import type { RegistryNode } from '../../src/extension/registry/registryTree';
import type { ToDetailsWebview } from '../../webview/details/contract';
import { skopeoRawManifest, startRegistry, type TestRegistry } from '../fixtures/registry';
import { series, writeRun } from '../fixtures/runs';
import { api, until } from './helpers';

const workspace = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

describe('Promotion', function () {
  this.timeout(120_000);
  let registry: TestRegistry;
  const targetsFile = () => path.join(workspace(), 'runlog.targets.json');
  const deployed = () => path.join(workspace(), 'deployed.txt');
  /** The "flaky" target's pipeline succeeds only while this file exists. */
  const pipelineUp = () => path.join(workspace(), 'pipeline-up.flag');
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
          flaky: {
            registry: `${registry.host}/team/flaky`,
            pipeline: { type: 'command', command: ['sh', '-c', `test -f '${pipelineUp()}'`] },
          },
        },
      }),
    );
  });

  after(async () => {
    await registry?.stop();
    fs.rmSync(targetsFile(), { force: true });
    fs.rmSync(deployed(), { force: true });
    fs.rmSync(pipelineUp(), { force: true });
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

  async function flakyVersions(): Promise<(RegistryNode & { kind: 'version' })[]> {
    const { promotion } = await api();
    const target = (await promotion.registry.getChildren()).find(
      (node) => node.kind === 'target' && node.target.name === 'flaky',
    );
    assert.ok(target, 'the flaky target in the Registry view');
    return (await promotion.registry.getChildren(target)) as (RegistryNode & { kind: 'version' })[];
  }

  it('marks a version whose pipeline failed in the Registry view, and retries it from that item', async () => {
    fs.rmSync(pipelineUp(), { force: true });
    const id = await modelRun('flaky pipeline', 0.95);
    const result = await vscode.commands.executeCommand<PromoteResult>('runlog.promoteRun', id, {
      target: 'flaky',
      version: '2.0.0',
      alias: null,
      confirm: true,
    });
    assert.equal(result?.outcome, 'pushed, pipeline failed');
    const { promotion } = await api();
    promotion.registry.refresh();
    const [failed] = await flakyVersions();
    assert.equal(failed.version.tag, '2.0.0');
    const item = promotion.registry.getTreeItem(failed);
    assert.equal(item.contextValue, 'registryVersion.run.pipelineFailed', 'Retry Pipeline is in its menu');
    assert.match(String(item.description), /pipeline failed/);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');

    fs.writeFileSync(pipelineUp(), '');
    // What the tree item's context menu action runs: the command with the clicked node.
    await vscode.commands.executeCommand('runlog.retryPipeline', failed);
    const store = (await api()).ctx.requireStore();
    assert.deepEqual(
      (await readAudit(store.root)).filter((r) => r.id === result.id).map((r) => [r.action, r.outcome]),
      [
        ['promote', 'pushed'],
        ['pipeline', 'pushed, pipeline failed'],
        ['pipeline', 'pipeline succeeded'],
      ],
    );
    const retried = await until('the Registry view to show the retried pipeline', async () => {
      const [version] = await flakyVersions();
      return version.version.lastPipeline?.ok ? version : undefined;
    });
    const after = promotion.registry.getTreeItem(retried);
    assert.equal(after.contextValue, 'registryVersion.run');
    assert.equal((after.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.doesNotMatch(String(after.description), /pipeline failed/);
  });

  it("shows the run's promotions on its details page, and retries a failed pipeline from there", async () => {
    fs.rmSync(pipelineUp(), { force: true });
    const id = await modelRun('promoted twice', 0.96);
    const first = await vscode.commands.executeCommand<PromoteResult>('runlog.promoteRun', id, {
      target: 'local',
      version: '3.0.0',
      alias: 'staging',
      confirm: true,
    });
    const second = await vscode.commands.executeCommand<PromoteResult>('runlog.promoteRun', id, {
      target: 'flaky',
      version: '3.0.0',
      alias: null,
      confirm: true,
    });
    assert.equal(second?.outcome, 'pushed, pipeline failed');

    const { details } = await api();
    await vscode.commands.executeCommand('runlog.showRunDetails', id);
    const panel = details.get(id)!;
    try {
      await until('the page to receive both promotions', () => panel.promotions.list().length === 2);
      const [latest, earlier] = panel.promotions.list();
      assert.deepEqual(
        [latest.id, latest.action, latest.target, latest.version, latest.outcome, latest.canRetry],
        [second.id, 'promote', 'flaky', '3.0.0', 'pushed, pipeline failed', true],
      );
      assert.equal(latest.digest, second.digest);
      assert.deepEqual(
        [earlier.id, earlier.alias, earlier.outcome, earlier.pipeline?.ok, earlier.canRetry],
        [first.id, 'staging', 'pipeline succeeded', true, false],
      );
      assert.deepEqual(
        earlier.gates.map((g) => [g.expression, g.ok]),
        [
          ['metrics.acc >= 0.9', true],
          ['status == "finished"', true],
        ],
      );
      assert.match(earlier.user, /\S/, 'who promoted');

      // The page's Retry Pipeline button: a runCommand message, checked and routed to runlog.retryPipeline.
      const posted: ToDetailsWebview[] = [];
      const post = panel.host.post.bind(panel.host);
      const stub = sinon.stub(panel.host, 'post').callsFake((message: ToDetailsWebview) => {
        posted.push(message);
        post(message);
      });
      try {
        fs.writeFileSync(pipelineUp(), '');
        assert.equal(
          panel.host.receive({ type: 'runCommand', command: 'runlog.retryPipeline', promotionId: second.id }),
          true,
        );
        const update = await until('the page to receive the retried pipeline', () =>
          posted.find(
            (m) =>
              m.type === 'setPromotions' &&
              m.promotions.some((p) => p.id === second.id && p.outcome === 'pipeline succeeded'),
          ),
        );
        assert.ok(update.type === 'setPromotions');
        const retried = update.promotions.find((p) => p.id === second.id)!;
        assert.deepEqual([retried.pipeline?.ok, retried.pipeline?.runs, retried.canRetry], [true, 2, false]);
      } finally {
        stub.restore();
      }
      assert.equal(
        panel.host.receive({ type: 'runCommand', command: 'runlog.retryPipeline', promotionId: '../x' }),
        false,
        'a malformed id is refused at the contract',
      );
    } finally {
      panel.dispose();
    }
  });
});
