// The Compare panel and the runs table inside a real VS Code: the commands open the pages, the pages ask for
// their data (their `ready` reaches the extension), requests are answered, and messages outside a page's
// contract are refused.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { api, until } from './helpers';
import { pointLine, series, writeRun } from '../fixtures/runs';
import type { RunDocument } from '../../src/core/store/types';
import type { CompareState, ToCompareWebview } from '../../webview/compare/contract';

const store = () => path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.runlog');

function lastOf<T extends { type: string }, K extends T['type']>(sent: readonly T[], type: K) {
  return [...sent].reverse().find((m): m is Extract<T, { type: K }> => m.type === type);
}

describe('Compare panel and runs table', function () {
  this.timeout(90_000);
  const written: RunDocument[] = [];
  const temp: string[] = [];
  let sandbox: sinon.SinonSandbox;
  let a: RunDocument;
  let b: RunDocument;

  function write(overrides: Partial<RunDocument>, values: number[]): RunDocument {
    const doc = writeRun(store(), { experiment: 'cmp-panel', ...overrides }, series('loss', values));
    written.push(doc);
    return doc;
  }

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    a = write(
      { name: 'cmp-a', params: { lr: 0.1, epochs: 3 } },
      Array.from({ length: 5000 }, (_, i) => 1 / (i + 1)),
    );
    b = write({ name: 'cmp-b', params: { lr: 0.01, epochs: 3 } }, [0.9, 0.5, 0.1]);
    await (await (await api()).ctx.index())!.refresh();
  });

  afterEach(async () => {
    sandbox.restore();
    const { compare } = await api();
    compare.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const doc of written.splice(0))
      fs.rmSync(path.join(store(), 'runs', doc.id), { recursive: true, force: true });
    for (const dir of temp.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    await (await (await api()).ctx.index())!.refresh();
  });

  async function openCompare(ids: string[]) {
    await vscode.commands.executeCommand('runlog.compareRuns', ids[0], ids);
    const { compare } = await api();
    const panel = await until('a Compare panel', () => compare.compareSessions[0]);
    const state = await until('the page to ask for the comparison and receive it', () =>
      lastOf<ToCompareWebview, 'setComparison'>(panel.session.sent, 'setComparison'),
    );
    return { ...panel, state: state.state };
  }

  it('opens from "Compare Runs…" with the selection and sends params, metrics and downsampled charts', async () => {
    const { state } = await openCompare([a.id, b.id]);
    const { comparison } = state;
    assert.deepEqual(
      comparison.runs.map((r) => r.name),
      ['cmp-a', 'cmp-b'],
    );
    assert.deepEqual(
      comparison.params.map((p) => [p.name, p.differs]),
      [
        ['epochs', false],
        ['lr', true],
      ],
    );
    const loss = comparison.metrics.find((m) => m.name === 'loss')!;
    assert.equal(loss.goal, 'min');
    assert.equal(loss.cells[1].verdictLast, 'worse', '0.1 vs 0.0002');
    const chart = comparison.charts.find((c) => c.name === 'loss')!;
    const series = chart.series.find((s) => s.runId === a.id)!;
    assert.equal(series.total, 5000);
    assert.ok(series.x.length <= 2000 && series.sampled);
    assert.equal(
      state.canDiffDatasets,
      (await vscode.commands.getCommands(true)).includes('runlog.compareDatasetVersions'),
    );
  });

  it('asks for runs from the palette, and needs at least two', async () => {
    const pick = sandbox.stub(vscode.window, 'showQuickPick');
    const error = sandbox.stub(vscode.window, 'showErrorMessage').resolves(undefined);
    pick.callsFake(async (items) => {
      const list = (await items) as unknown as { entry: { id: string } }[];
      return list.filter((i) => i.entry.id === a.id) as never;
    });
    await vscode.commands.executeCommand('runlog.compareRuns');
    assert.match(String(error.firstCall?.args[0]), /Pick at least two runs/);
    pick.callsFake(async (items) => {
      const list = (await items) as unknown as { entry: { id: string } }[];
      return list.filter((i) => i.entry.id === a.id || i.entry.id === b.id) as never;
    });
    await vscode.commands.executeCommand('runlog.compareRuns');
    const { compare } = await api();
    await until('a Compare panel', () => compare.compareSessions.length === 1);
  });

  it('changes baseline and axis, and zooms to full resolution', async () => {
    const { session } = await openCompare([a.id, b.id]);
    await session.handle({ type: 'setBaseline', runId: b.id });
    let state: CompareState = lastOf<ToCompareWebview, 'setComparison'>(session.sent, 'setComparison')!.state;
    assert.equal(state.comparison.baseline, 1);
    assert.equal(state.comparison.metrics[0].cells[0].verdictLast, 'better');
    await assert.rejects(
      session.handle({ type: 'setBaseline', runId: '20990101-000000-000-deadbeef' }),
      /not part of this comparison/,
    );
    await session.handle({ type: 'setAxis', axis: 'relative' });
    state = lastOf<ToCompareWebview, 'setComparison'>(session.sent, 'setComparison')!.state;
    assert.equal(state.axis, 'relative');
    await session.handle({ type: 'setAxis', axis: 'step' });
    await session.handle({ type: 'zoom', metric: 'loss', range: [1000, 2499] });
    const zoomed = lastOf<ToCompareWebview, 'updateCharts'>(session.sent, 'updateCharts')!;
    assert.deepEqual(zoomed.range, [1000, 2499]);
    const full = zoomed.charts[0].series.find((s) => s.runId === a.id)!;
    assert.equal(full.x.length, 1500, 'every point of the range');
    assert.equal(full.sampled, false);
  });

  it('refuses messages outside the page contract and never runs them', async () => {
    const { host } = await openCompare([a.id, b.id]);
    const execute = sandbox.spy(vscode.commands, 'executeCommand');
    const delivered: unknown[] = [];
    const sub = host.onDidReceiveMessage((m) => delivered.push(m));
    try {
      for (const bad of [
        { type: 'runCommand', command: 'workbench.action.terminal.new', args: [] },
        { type: 'openScriptDiff', runA: '../../etc/passwd', runB: b.id },
        { type: 'export', format: 'png', name: '../../../.bashrc', data: 'data:image/png;base64,AA==' },
        { type: 'setBaseline', runId: { toString: () => a.id } },
        'ready',
        null,
      ]) {
        assert.equal(host.receive(bad), false, JSON.stringify(bad));
      }
      assert.deepEqual(delivered, []);
      assert.ok(!execute.calledWith('workbench.action.terminal.new'));
      assert.equal(host.receive({ type: 'ready' }), true);
    } finally {
      sub.dispose();
    }
  });

  it('exports a table as CSV where the user chooses, and says when cancelled', async () => {
    const { session } = await openCompare([a.id, b.id]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlog-export-'));
    temp.push(dir);
    const target = vscode.Uri.file(path.join(dir, 'params.csv'));
    const save = sandbox.stub(vscode.window, 'showSaveDialog').resolves(target);
    await session.handle({
      type: 'export',
      format: 'csv',
      name: 'params.csv',
      data: 'param,a\r\nlr,0.1\r\n',
    });
    assert.equal(fs.readFileSync(target.fsPath, 'utf8'), 'param,a\r\nlr,0.1\r\n');
    assert.match(lastOf<ToCompareWebview, 'exported'>(session.sent, 'exported')!.message, /^Saved /);
    save.resolves(undefined);
    await session.handle({
      type: 'export',
      format: 'png',
      name: 'loss.png',
      data: 'data:image/png;base64,iVBORw0KGgo=',
    });
    assert.deepEqual(lastOf<ToCompareWebview, 'exported'>(session.sent, 'exported'), {
      type: 'exported',
      ok: false,
      message: 'Export cancelled.',
    });
  });

  it("opens the diff of the tracked script between the two runs' commits", async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'runlog-git-'));
    temp.push(repo);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    const script = path.join(repo, 'train.py');
    fs.writeFileSync(script, 'lr = 0.1\n');
    git('add', '.');
    git('commit', '-qm', 'one');
    const first = git('rev-parse', 'HEAD');
    fs.writeFileSync(script, 'lr = 0.01\n');
    git('commit', '-qam', 'two');
    const second = git('rev-parse', 'HEAD');
    const gitCapture = (commit: string) => ({
      commit,
      branch: 'main',
      dirty: false,
      diffFile: null,
      remote: null,
    });
    const x = write({ name: 'git-a', capture: { script, git: gitCapture(first) } }, [1]);
    const y = write({ name: 'git-b', capture: { script, git: gitCapture(second) } }, [2]);
    await (await (await api()).ctx.index())!.refresh();
    const { session } = await openCompare([x.id, y.id]);
    await session.handle({ type: 'openScriptDiff', runA: x.id, runB: y.id });
    const tab = await until('a diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.equal((await vscode.workspace.openTextDocument(tab.original)).getText(), 'lr = 0.1\n');
    assert.equal((await vscode.workspace.openTextDocument(tab.modified)).getText(), 'lr = 0.01\n');
  });

  it('says clearly when the dataset diff command is not there', async function () {
    if ((await vscode.commands.getCommands(true)).includes('runlog.compareDatasetVersions')) {
      // Another feature provides it in this build: the link runs it (checked in its own tests).
      const execute = sandbox.stub(vscode.commands, 'executeCommand').callThrough();
      const { session } = await openCompare([a.id, b.id]);
      execute.withArgs('runlog.compareDatasetVersions').resolves(undefined);
      await session.handle({
        type: 'runCommand',
        command: 'runlog.compareDatasetVersions',
        args: ['sha256:aa', 'sha256:bb'],
      });
      assert.ok(execute.calledWith('runlog.compareDatasetVersions', 'sha256:aa', 'sha256:bb'));
      return;
    }
    const warn = sandbox.stub(vscode.window, 'showWarningMessage').resolves(undefined);
    const { session } = await openCompare([a.id, b.id]);
    await session.handle({
      type: 'runCommand',
      command: 'runlog.compareDatasetVersions',
      args: ['sha256:aa', 'sha256:bb'],
    });
    assert.match(
      String(warn.firstCall.args[0]),
      /Dataset diff is not available: the command runlog\.compareDatasetVersions is not registered/,
    );
  });

  it('updates the charts of a running run live as it writes points', async () => {
    const now = new Date();
    const live = write(
      {
        name: 'cmp-live',
        status: 'running',
        startTime: now.toISOString(),
        endTime: null,
        heartbeatAt: now.toISOString(),
        capture: { source: 'script', pid: process.pid, host: os.hostname() },
      },
      [0.9, 0.8],
    );
    await (await (await api()).ctx.index())!.refresh([live.id]);
    const { session } = await openCompare([a.id, live.id]);
    const file = path.join(store(), 'runs', live.id, 'metrics.jsonl');
    // Append until the watcher reports the write (it may start a moment after the panel opened).
    let step = 2;
    const update = await until('a live chart update with the new points', () => {
      fs.appendFileSync(file, pointLine({ key: 'loss', value: 0.5, step: step++, time: Date.now() / 1000 }));
      return session.sent.find(
        (m): m is Extract<ToCompareWebview, { type: 'updateCharts' }> =>
          m.type === 'updateCharts' &&
          m.range === undefined &&
          m.charts.some((c) => c.series.some((s) => s.runId === live.id && s.x.length > 2)),
      );
    });
    const liveSeries = update.charts[0].series.find((s) => s.runId === live.id)!;
    assert.deepEqual(liveSeries.y.slice(0, 3), [0.9, 0.8, 0.5]);
  });

  it('opens the runs table, which receives every run, then only the runs that change', async () => {
    await vscode.commands.executeCommand('runlog.openRunsTable');
    const { compare, ctx } = await api();
    const table = await until('the runs table', () => compare.tablePanel);
    const all = await until('the page to receive the runs', () => lastOf(table.session.sent, 'setRuns'));
    assert.ok(all.runs.some((r) => r.id === a.id) && all.runs.some((r) => r.id === b.id));
    assert.deepEqual(all.runs.find((r) => r.id === a.id)!.datasets, []);
    const c = write({ name: 'cmp-c' }, [0.3]);
    await (await ctx.index())!.refresh([c.id]);
    const update = await until('an update with the new run', () =>
      table.session.sent.find((m) => m.type === 'updateRuns' && m.runs.some((r) => r.id === c.id)),
    );
    assert.equal(update.type, 'updateRuns');
    // The table's Star action runs the same command as the Runs view.
    await table.session.handle({ type: 'runCommand', command: 'runlog.starRun', args: [c.id, [c.id]] });
    await until('the star', async () => {
      const entry = (await ctx.index())?.get(c.id);
      return entry?.kind === 'run' && entry.doc.tags.starred === 'true';
    });
    assert.equal(
      table.host.receive({ type: 'runCommand', command: 'runlog.deleteRun', args: [c.id, [c.id]] }),
      false,
    );
  });
});
