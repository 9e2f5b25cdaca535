// The details page on the generic panel host, in a real VS Code: live updates carry only what changed, the point
// count the page received equals the points on disk while a writer appends, and settings changes reach open panels.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { pointLine, series, writeRun } from '../fixtures/runs';
import type { ToDetailsWebview } from '../../webview/details/contract';
import { api, until } from './helpers';

describe('Run details panel', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** Records what the extension posts to the page (and still posts it). */
  function record(host: { post(message: ToDetailsWebview): void }): ToDetailsWebview[] {
    const posted: ToDetailsWebview[] = [];
    const post = host.post.bind(host);
    const stub = sinon.stub(host, 'post').callsFake((message: ToDetailsWebview) => {
      posted.push(message);
      post(message);
    });
    cleanup.push(() => stub.restore());
    return posted;
  }

  async function liveRun() {
    const { ctx } = await api();
    const store = ctx.requireStore();
    await store.ensureCreated();
    const now = new Date();
    const doc = writeRun(
      store.root,
      {
        name: 'live details',
        status: 'running',
        startTime: now.toISOString(),
        endTime: null,
        heartbeatAt: now.toISOString(),
        capture: { source: 'client', pid: process.pid, host: hostname() },
      },
      series('loss', [3, 2.5]),
    );
    const dir = store.layout.runDir(doc.id);
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const index = (await ctx.index())!;
    await until('the run in the index', async () => {
      await index.refresh([doc.id]);
      return index.get(doc.id);
    });
    return { ctx, doc, dir, index };
  }

  it('keeps the points the page received equal to the points on disk while the run writes', async () => {
    const { doc, dir } = await liveRun();
    const { details } = await api();
    await vscode.commands.executeCommand('runlog.showRunDetails', doc.id);
    const panel = details.get(doc.id)!;
    cleanup.push(() => panel.dispose());
    await until('the page to load (setRun sent)', () => panel.pointsSent === 2);
    const posted = record(panel.host);

    const metrics = path.join(dir, 'metrics.jsonl');
    let onDisk = 2;
    for (let batch = 0; batch < 10; batch++) {
      const points = series('loss', [1, 0.9, 0.8]).map((p, i) => ({ ...p, step: onDisk + i }));
      fs.appendFileSync(metrics, points.map(pointLine).join(''));
      onDisk += points.length;
    }
    await until(`the page to have all ${onDisk} points`, () => panel.pointsSent === onDisk, 15_000);
    await panel.settled();
    assert.equal(panel.pointsSent, onDisk, 'no point sent twice');
    const sentPoints = posted
      .filter((m) => m.type === 'appendPoints')
      .flatMap((m) => (m.type === 'appendPoints' ? (m.points.loss ?? []) : []));
    assert.deepEqual(
      sentPoints.map(([step]) => step),
      Array.from({ length: onDisk - 2 }, (_, i) => i + 2),
      'appended in order, once each',
    );
  });

  it('sends a heartbeat as a patch of the fields that changed, and follows runlog.primaryMetric', async () => {
    const { doc, dir } = await liveRun();
    const { details } = await api();
    await vscode.commands.executeCommand('runlog.showRunDetails', doc.id);
    const panel = details.get(doc.id)!;
    cleanup.push(() => panel.dispose());
    await until('the page to load', () => panel.pointsSent === 2);
    const posted = record(panel.host);

    const file = path.join(dir, 'run.json');
    const beat = new Date(Date.now() + 1000).toISOString();
    fs.writeFileSync(file, JSON.stringify({ ...doc, heartbeatAt: beat }, null, 2));
    const patch = await until('a patch', () => posted.find((m) => m.type === 'patchRun'));
    assert.equal(patch.type, 'patchRun');
    if (patch.type === 'patchRun') {
      assert.deepEqual(Object.keys(patch.changed), ['heartbeatAt'], 'only what changed');
      assert.equal(patch.changed.heartbeatAt, beat);
    }

    const settings = vscode.workspace.getConfiguration('runlog');
    await settings.update('primaryMetric', 'acc', vscode.ConfigurationTarget.Workspace);
    cleanup.push(() => settings.update('primaryMetric', undefined, vscode.ConfigurationTarget.Workspace));
    const withAcc = { ...doc, heartbeatAt: beat, metrics: { ...doc.metrics, acc: doc.metrics.loss } };
    fs.writeFileSync(file, JSON.stringify(withAcc, null, 2));
    await until('the primary metric to follow the setting', () =>
      posted.some((m) => m.type === 'patchRun' && m.primaryMetric === 'acc'),
    );
  });

  it('closes the panel of a run that is deleted', async () => {
    const { doc, dir, index } = await liveRun();
    const { details } = await api();
    await vscode.commands.executeCommand('runlog.showRunDetails', doc.id);
    const panel = details.get(doc.id)!;
    await until('the page to load', () => panel.pointsSent === 2);
    fs.rmSync(dir, { recursive: true, force: true });
    await index.refresh([doc.id]);
    await until('the panel to close', () => details.get(doc.id) === undefined);
  });

  it("routes the header's Compare With… to the compare command with this run and the runs picked", async () => {
    const { doc } = await liveRun();
    const { ctx, details, compare } = await api();
    const store = ctx.requireStore();
    const other = writeRun(store.root, { name: 'other run' }, series('loss', [1]));
    cleanup.push(() => fs.rmSync(store.layout.runDir(other.id), { recursive: true, force: true }));
    const index = (await ctx.index())!;
    await until('the other run in the index', async () => {
      await index.refresh([other.id]);
      return index.get(other.id);
    });
    await vscode.commands.executeCommand('runlog.showRunDetails', doc.id);
    const panel = details.get(doc.id)!;
    cleanup.push(() => panel.dispose());
    await until('the page to load', () => panel.pointsSent === 2);
    await panel.settled();
    assert.deepEqual(panel.promotions.list(), [], 'never promoted: the section shows its empty state');

    const pick = (sinon.stub(vscode.window, 'showQuickPick') as sinon.SinonStub).callsFake(
      async (items: unknown) =>
        ((await items) as { entry: { id: string } }[]).filter((item) => item.entry.id === other.id),
    );
    cleanup.push(() => pick.restore());
    const opened = sinon.stub(compare, 'openCompare');
    cleanup.push(() => opened.restore());
    assert.equal(panel.host.receive({ type: 'runCommand', command: 'runlog.compareRuns' }), true);
    await until('the compare command to open the runs', () => opened.called);
    assert.deepEqual(opened.firstCall.args[0], [doc.id, other.id]);
    const offered = ((await pick.firstCall.args[0]) as { entry: { id: string } }[]).map(
      (item) => item.entry.id,
    );
    assert.ok(!offered.includes(doc.id), 'the run itself is not offered');
  });
});
