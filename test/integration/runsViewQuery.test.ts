// The Runs view's sort, filter and paging, stars and tags, inside a real VS Code on runs written to the
// workspace store the way the Python client writes them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { api, until } from './helpers';
import { series, writeRun } from '../fixtures/runs';
import type { RunDocument } from '../../src/core/store/types';
import type { RunsNode } from '../../src/extension/runs/targets';
import { FIRST_PAGE, MORE_PAGE } from '../../src/extension/runs/runsTree';

const store = () => path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.runlog');

describe('Runs view: sort, filter, paging, stars and tags', function () {
  this.timeout(60_000);
  const written: RunDocument[] = [];
  let sandbox: sinon.SinonSandbox;

  function write(overrides: Partial<RunDocument>, loss: number): RunDocument {
    const doc = writeRun(store(), overrides, series('loss', [loss + 1, loss]));
    written.push(doc);
    return doc;
  }

  async function children(node?: RunsNode): Promise<RunsNode[]> {
    return (await api()).runs.getChildren(node);
  }

  async function experimentNode(name: string): Promise<RunsNode | undefined> {
    return (await children()).find((n) => n.kind === 'experiment' && n.name === name);
  }

  async function runNames(experiment: string): Promise<string[]> {
    const { runs, ctx } = await api();
    const node = await experimentNode(experiment);
    if (!node) return [];
    const index = await ctx.index();
    return (await runs.getChildren(node)).map((n) => {
      if (n.kind !== 'run') return `<${n.kind}>`;
      const entry = index?.get(n.id);
      return entry?.kind === 'run' ? entry.doc.name : n.id;
    });
  }

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    const base = Date.parse('2030-01-01T00:00:00Z');
    write(
      {
        name: 'q-b',
        experiment: 'cmp-query',
        startTime: new Date(base).toISOString(),
        params: { lr: 0.1 },
        tags: { stage: 'tuned' },
      },
      0.5,
    );
    write(
      {
        name: 'q-a',
        experiment: 'cmp-query',
        startTime: new Date(base + 1000).toISOString(),
        params: { lr: 0.01 },
      },
      0.2,
    );
    write(
      {
        name: 'q-c',
        experiment: 'cmp-query',
        startTime: new Date(base + 2000).toISOString(),
        params: { lr: 0.3 },
      },
      0.9,
    );
    await (await (await api()).ctx.index())!.refresh();
    await until('the runs in the view', async () => (await runNames('cmp-query')).length === 3);
  });

  afterEach(async () => {
    sandbox.restore();
    await vscode.commands.executeCommand('runlog.clearRunsFilter');
    await vscode.commands.executeCommand('runlog.sortRuns', 'start');
    for (const doc of written.splice(0))
      fs.rmSync(path.join(store(), 'runs', doc.id), { recursive: true, force: true });
    await (await (await api()).ctx.index())!.refresh();
  });

  it('sorts by start (newest first), name, and the primary metric (best first by its goal)', async () => {
    assert.deepEqual(await runNames('cmp-query'), ['q-c', 'q-a', 'q-b']);
    await vscode.commands.executeCommand('runlog.sortRuns', 'name');
    assert.deepEqual(await runNames('cmp-query'), ['q-a', 'q-b', 'q-c']);
    assert.match(String((await api()).runs.view.description), /by name/);
    await vscode.commands.executeCommand('runlog.sortRuns', 'metric');
    assert.deepEqual(await runNames('cmp-query'), ['q-a', 'q-b', 'q-c'], 'loss: lower is better');
  });

  it('filters with the query language, says how many match, and clears', async () => {
    await vscode.commands.executeCommand(
      'runlog.filterRuns',
      'params.lr < 0.2 and experiment == "cmp-query"',
    );
    assert.deepEqual(await runNames('cmp-query'), ['q-a', 'q-b']);
    const { runs } = await api();
    assert.match(String(runs.view.description), /filter: params\.lr < 0\.2/);
    assert.match(String(runs.view.message), /^2 of \d+ runs match the filter\.$/);
    assert.equal(await experimentNode('train'), undefined, 'other experiments have no match');
    await vscode.commands.executeCommand('runlog.clearRunsFilter');
    assert.deepEqual(await runNames('cmp-query'), ['q-c', 'q-a', 'q-b']);
    assert.equal(runs.view.message, undefined);
  });

  it('refuses a bad filter with the position of the problem and keeps the view as it was', async () => {
    const shown = sandbox.stub(vscode.window, 'showErrorMessage').resolves(undefined);
    await vscode.commands.executeCommand('runlog.filterRuns', 'metrics.loss >');
    assert.ok(shown.calledOnce);
    assert.match(String(shown.firstCall.args[0]), /Expected a value after ">" at column 15/);
    assert.equal((await runNames('cmp-query')).length, 3);
  });

  it('validates the filter as it is typed in the input box', async () => {
    const input = sandbox.stub(vscode.window, 'showInputBox').callsFake(async (options) => {
      const bad = await options?.validateInput?.('tags.stage == tuned');
      assert.match(
        String(typeof bad === 'object' && bad ? bad.message : bad),
        /Unknown field "tuned" at column 15/,
      );
      assert.equal(await options?.validateInput?.('tags.stage == "tuned"'), undefined);
      return 'tags.stage == "tuned"';
    });
    await vscode.commands.executeCommand('runlog.filterRuns');
    assert.ok(input.calledOnce);
    assert.deepEqual(await runNames('cmp-query'), ['q-b']);
  });

  it('shows the first runs of a long experiment and more on "Show more…"', async () => {
    const base = Date.parse('2029-01-01T00:00:00Z');
    for (let i = 0; i < FIRST_PAGE + 30; i++) {
      write(
        { name: `p-${i}`, experiment: 'cmp-paged', startTime: new Date(base + i * 1000).toISOString() },
        i,
      );
    }
    await (await (await api()).ctx.index())!.refresh();
    const { runs } = await api();
    const names = await until('the paged experiment', async () => {
      const list = await runNames('cmp-paged');
      return list.length > 0 ? list : undefined;
    });
    assert.equal(names.length, FIRST_PAGE + 1);
    assert.equal(names.at(-1), '<more>');
    const group = (await experimentNode('cmp-paged'))!;
    const more = (await runs.getChildren(group)).at(-1)!;
    const item = await runs.getTreeItem(more);
    assert.equal(item.label, `Show ${Math.min(MORE_PAGE, 30)} more…`);
    assert.equal(item.description, '30 not shown');
    await vscode.commands.executeCommand(
      item.command!.command,
      ...((item.command!.arguments ?? []) as unknown[]),
    );
    const all = await runNames('cmp-paged');
    assert.equal(all.length, FIRST_PAGE + 30);
    assert.ok(!all.includes('<more>'));
  });

  it('shows a run again when it comes back with the same id (Undo of a delete)', async () => {
    const target = written.find((d) => d.name === 'q-a')!;
    const dir = path.join(store(), 'runs', target.id);
    const saved = path.join(store(), `.${target.id}.saved`);
    const { ctx } = await api();
    fs.renameSync(dir, saved);
    await (await ctx.index())!.refresh([target.id]);
    await until('the run gone from the view', async () => !(await runNames('cmp-query')).includes('q-a'));
    // Back with the same id: the view must rebuild (a node event alone would update a node it no longer shows).
    const events: unknown[] = [];
    const sub = (await api()).runs.onDidChangeTreeData((node) => events.push(node));
    try {
      fs.renameSync(saved, dir);
      await (await ctx.index())!.refresh([target.id]);
      await until('a rebuild of the view', () => events.includes(undefined));
    } finally {
      sub.dispose();
    }
    assert.ok((await runNames('cmp-query')).includes('q-a'));
  });

  it('stars and unstars runs, and shows tags next to each run', async () => {
    const target = written.find((d) => d.name === 'q-b')!;
    await vscode.commands.executeCommand('runlog.starRun', target.id);
    const { runs, ctx } = await api();
    await until('the star tag', async () => {
      const entry = (await ctx.index())?.get(target.id);
      return entry?.kind === 'run' && entry.doc.tags.starred === 'true';
    });
    const item = await runs.getTreeItem({ kind: 'run', id: target.id });
    assert.match(String(item.description), /^★ .*stage=tuned/);
    await vscode.commands.executeCommand('runlog.filterRuns', 'starred');
    assert.deepEqual(await runNames('cmp-query'), ['q-b']);
    await vscode.commands.executeCommand('runlog.unstarRun', target.id);
    await until('the star removed', async () => {
      const entry = (await ctx.index())?.get(target.id);
      return entry?.kind === 'run' && entry.doc.tags.starred === undefined;
    });
  });
});
