// Tracked runs inside a real VS Code with a real python3: launch, live updates, the Runs view, the status bar,
// stopping, editing, deleting with Undo, details, and the errors a user gets for bad input.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { RunsNode } from '../../src/extension/runs/targets';
import {
  api,
  forgetRun,
  recordRun,
  runDoc,
  until,
  untilEnded,
  workspaceDir as workspace,
  writeScript,
} from './helpers';

describe('Tracked runs', function () {
  this.timeout(90_000);
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => (sandbox = sinon.createSandbox()));
  afterEach(async () => {
    sandbox.restore();
    await vscode.workspace
      .getConfiguration('runlog')
      .update('pythonPath', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('runs a script in the terminal and records params, output metrics, capture and exit status', async () => {
    const { runner } = await api();
    const uri = vscode.Uri.file(path.join(workspace(), 'train.py'));
    const id = await runner.runFile(uri);
    assert.ok(id);
    const doc = await untilEnded(id);
    assert.equal(doc.status, 'finished');
    assert.equal(doc.experiment, 'train');
    assert.equal(doc.capture.exitCode, 0);
    assert.equal(doc.metrics.loss.count, 3, 'three "epoch N loss=…" lines');
    assert.equal(doc.metrics.loss.last, 0.1667);
    assert.equal(doc.metrics.acc.step, 3);
    assert.match(doc.capture.python?.version ?? '', /^3\./);
    const output = fs.readFileSync(path.join((await api()).ctx.store!.layout.outputFile(id)), 'utf8');
    assert.match(output, /epoch 3 loss=0\.1667 acc=0\.8/);
  });

  it('shows runs in the Runs view by experiment, with duration and primary metric', async () => {
    const { runs } = await api();
    const doc = await recordRun({ experiment: 'view-shape' });
    try {
      const experiments = await runs.getChildren();
      const group = experiments.find((node) => node.kind === 'experiment' && node.name === 'view-shape');
      assert.ok(group, 'an experiment node "view-shape"');
      assert.match(String((await runs.getTreeItem(group)).description), /^1 run$/);
      const [first] = await runs.getChildren(group);
      assert.deepEqual(first, { kind: 'run', id: doc.id });
      const item = await runs.getTreeItem(first);
      assert.equal(item.label, doc.name);
      assert.equal(item.contextValue, 'run.finished');
      assert.equal(item.description, '12s · loss 0.25');
    } finally {
      await forgetRun(doc.id);
    }
  });

  it('follows a live run: the view data and the status bar update while it runs, Stop ends it as interrupted', async () => {
    const { runner, statusBar, ctx } = await api();
    const uri = writeScript(
      'live.py',
      'import time\nfor i in range(1000):\n    print(f"step {i} loss={1/(i+1):.4f}", flush=True)\n    time.sleep(0.2)\n',
    );
    const id = (await runner.runFile(uri))!;
    const seen = new Set<number>();
    const sub = ctx.onDidChangeRuns(async (ids) => {
      if (!ids?.includes(id)) return;
      const step = (await runDoc(id))?.metrics.loss?.step;
      if (step !== undefined) seen.add(step);
    });
    try {
      await until('three live updates', () => seen.size >= 3 || undefined);
    } finally {
      sub.dispose();
    }
    const doc = (await runDoc(id))!;
    assert.equal(doc.status, 'running');
    await until('the status bar to show the run', async () => {
      await statusBar.update();
      return statusBar.text.includes(doc.name) && /loss/.test(statusBar.text) ? true : undefined;
    });
    assert.match(statusBar.text, /step \d+/);
    await vscode.commands.executeCommand('runlog.stopRun', id);
    const stopped = await untilEnded(id);
    assert.equal(stopped.status, 'interrupted');
    await until('the status bar to clear', async () => {
      await statusBar.update();
      return statusBar.text.includes(doc.name) ? undefined : true;
    });
  });

  it('renames, tags, and deletes a run with Undo, through the same commands the view uses', async () => {
    const { ctx } = await api();
    const index = (await ctx.index())!;
    const entry = await recordRun({ tags: { keep: 'yes' } });
    const node: RunsNode = { kind: 'run', id: entry.id };
    try {
      sandbox
        .stub(vscode.window, 'showInputBox')
        .onFirstCall()
        .resolves('best so far')
        .onSecondCall()
        .resolves('baseline owner=ana');
      await vscode.commands.executeCommand('runlog.renameRun', node);
      await vscode.commands.executeCommand('runlog.tagRun', node, [node]);
      const doc = (await runDoc(entry.id))!;
      assert.equal(doc.name, 'best so far');
      assert.deepEqual({ ...doc.tags }, { keep: 'yes', baseline: 'true', owner: 'ana' });

      const info = sandbox.stub(vscode.window, 'showInformationMessage');
      info.onFirstCall().resolves('Undo' as never);
      await vscode.commands.executeCommand('runlog.deleteRun', node, [node]);
      assert.match(String(info.firstCall.args[0]), /Deleted run best so far/);
      assert.ok(index.get(entry.id), 'Undo brought the run back');
      assert.ok(fs.existsSync(path.join(ctx.store!.layout.runDir(entry.id), 'run.json')));

      info.onSecondCall().resolves(undefined);
      await vscode.commands.executeCommand('runlog.deleteRun', node, [node]);
      assert.equal(index.get(entry.id), undefined);
      assert.ok(
        fs.existsSync(path.join(ctx.store!.layout.trashDir, entry.id, 'run.json')),
        'kept in the trash',
      );
    } finally {
      fs.rmSync(path.join(ctx.store!.layout.trashDir, entry.id), { recursive: true, force: true });
      await forgetRun(entry.id);
    }
  });

  it('opens the details of a run in a webview panel', async () => {
    const { details } = await api();
    const doc = await recordRun({ name: 'details-panel-run' });
    try {
      await vscode.commands.executeCommand('runlog.showRunDetails', doc.id);
      assert.ok(details.get(doc.id), 'a panel for the run');
      await until('the panel tab', () =>
        vscode.window.tabGroups.all
          .flatMap((group) => group.tabs)
          .some((tab) => tab.label === 'Run: details-panel-run'),
      );
    } finally {
      await forgetRun(doc.id); // its panel closes with it
    }
  });

  it('shows a corrupt run as unreadable with the reason, and the other runs stay usable', async () => {
    const { ctx, runs } = await api();
    const other = await recordRun();
    const id = '20200101-000000-000-0badf00d';
    const dir = ctx.store!.layout.runDir(id);
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'run.json'), '{"id": "20200101-000000-000-0bad');
      const index = (await ctx.index())!;
      await index.refresh([id]);
      const experiments = await runs.getChildren();
      const unreadable = experiments.find((n) => n.kind === 'experiment' && n.name === 'Unreadable runs')!;
      const [node] = await runs.getChildren(unreadable);
      const item = await runs.getTreeItem(node);
      assert.match(String(item.description), /unreadable: run\.json is not valid JSON/);
      assert.equal(index.get(other.id)?.kind, 'run');
    } finally {
      await forgetRun(id);
      await forgetRun(other.id);
    }
  });

  it('says how to fix a missing Python or a missing script', async () => {
    const { runner } = await api();
    await vscode.workspace
      .getConfiguration('runlog')
      .update('pythonPath', '/nonexistent/python', vscode.ConfigurationTarget.Workspace);
    const errors = sandbox.stub(vscode.window, 'showErrorMessage').resolves(undefined);
    await vscode.commands.executeCommand(
      'runlog.runFile',
      vscode.Uri.file(path.join(workspace(), 'train.py')),
    );
    assert.match(
      String(errors.lastCall.args[0]),
      /could not start Python "\/nonexistent\/python".*runlog\.pythonPath/,
    );
    await assert.rejects(
      runner.runFile(vscode.Uri.file(path.join(workspace(), 'missing.py'))),
      /does not exist/,
    );
  });
});
