// Dataset versions inside a real VS Code with a real python3: Track Dataset…, the Datasets view, Compare Dataset
// Versions… opening the datasetDiff page with the diff of two real versions, and refusing paths outside the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { VersionResult } from '../../src/core/datasets/versioner';
import { api, until } from './helpers';

const workspace = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

function writeTable(folder: string, rows: number, shift: number): void {
  fs.mkdirSync(folder, { recursive: true });
  const lines = ['id,value,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(i % 100) + shift},${'abc'[i % 3]}`);
  fs.writeFileSync(path.join(folder, 'table.csv'), lines.join('\n') + '\n');
}

describe('Dataset versions', function () {
  this.timeout(90_000);
  let sandbox: sinon.SinonSandbox;
  const folder = () => path.join(workspace(), 'it-dataset');
  beforeEach(() => (sandbox = sinon.createSandbox()));
  afterEach(() => sandbox.restore());
  after(() => fs.rmSync(folder(), { recursive: true, force: true }));

  it('tracks two versions of a folder, lists them, and opens their diff with drift first', async () => {
    const { datasets } = await api();
    sandbox.stub(vscode.window, 'showInputBox').resolves('it-data');
    writeTable(folder(), 2000, 0);
    fs.writeFileSync(path.join(folder(), 'notes.txt'), 'first');
    const first = await vscode.commands.executeCommand<VersionResult>(
      'runlog.trackDataset',
      vscode.Uri.file(folder()),
    );
    assert.equal(first.files, 2);
    assert.deepEqual(first.problems, []);
    writeTable(folder(), 2500, 40);
    fs.renameSync(path.join(folder(), 'notes.txt'), path.join(folder(), 'NOTES.txt'));
    const second = await vscode.commands.executeCommand<VersionResult>(
      'runlog.trackDataset',
      vscode.Uri.file(folder()),
    );
    assert.notEqual(second.digest, first.digest);

    const listed = await until('both versions in the Datasets view', async () => {
      const dataset = (await datasets.tree.datasets()).find((d) => d.name === 'it-data');
      return dataset && dataset.versions.length >= 2 && dataset;
    });
    assert.deepEqual(
      listed.versions.slice(0, 2).map((v) => v.digest),
      [second.digest, first.digest],
    );
    const children = await datasets.tree.getChildren({ kind: 'dataset', name: 'it-data' });
    const item = await datasets.tree.getTreeItem(children[0]);
    assert.equal(item.label, second.digest.slice(7, 19));
    assert.match(String(item.description), /kB · tracked$/);

    await vscode.commands.executeCommand(
      'runlog.compareDatasetVersions',
      first.digest,
      second.digest.slice(7, 17),
    );
    // the page loaded (it said `ready`, which is what makes the panel send the diff)
    const shown = await until('the diff sent to the datasetDiff page once it loaded', () =>
      datasets.panels.lastSent(first.digest, second.digest),
    );
    assert.equal(shown.type, 'show');
    if (shown.type !== 'show') return;
    const { diff } = shown.view;
    assert.deepEqual(diff.counts, { added: 0, deleted: 0, modified: 1, renamed: 1, unchanged: 0 });
    assert.equal(diff.tabular[0].rowsB, 2500);
    // value moved by 40 (of 0..99); the ids grew from 0..1999 to 0..2499
    assert.deepEqual(
      diff.drift.map((f) => f.column),
      ['value', 'id'],
    );
    assert.ok(datasets.panels.get(first.digest, second.digest)?.visible);
    datasets.panels.get(first.digest, second.digest)!.dispose();
  });

  it('shows a sample of added, removed and changed rows when both versions are on disk, by a chosen key too', async () => {
    const { datasets } = await api();
    sandbox.stub(vscode.window, 'showInputBox').resolves('it-rows');
    const dir = path.join(folder(), 'rows');
    fs.mkdirSync(dir, { recursive: true });
    const [one, two] = [path.join(dir, 'v1.csv'), path.join(dir, 'v2.csv')];
    fs.writeFileSync(one, 'id,city,score\n1,Oslo,10\n2,Lima,20\n3,Pune,30\n');
    fs.writeFileSync(two, 'id,city,score\n1,Oslo,10\n2,Lima,25\n4,Kyiv,40\n');
    const a = await vscode.commands.executeCommand<VersionResult>(
      'runlog.trackDataset',
      vscode.Uri.file(one),
    );
    const b = await vscode.commands.executeCommand<VersionResult>(
      'runlog.trackDataset',
      vscode.Uri.file(two),
    );
    await vscode.commands.executeCommand('runlog.compareDatasetVersions', a.digest, b.digest);
    const rowsShown = async (keySource: string) => {
      const shown = await until(`the row sample (${keySource} key) sent to the page`, () => {
        const sent = datasets.panels.lastSent(a.digest, b.digest);
        return sent?.type === 'show' && sent.view.diff.tabular[0]?.rows?.keySource === keySource
          ? sent
          : undefined;
      });
      return shown.type === 'show' ? shown.view.diff.tabular[0].rows! : assert.fail('not shown');
    };
    const byId = await rowsShown('found');
    assert.equal(byId.key, 'id');
    assert.deepEqual(byId.counts, { added: 1, removed: 1, changed: 1, unchanged: 1, duplicateKeys: 0 });
    assert.deepEqual(byId.added[0].values, { id: '4', city: 'Kyiv', score: '40' });
    assert.deepEqual(byId.removed[0].values, { id: '3', city: 'Pune', score: '30' });
    assert.deepEqual(
      [byId.changed[0].key, byId.changed[0].a.score, byId.changed[0].b.score, byId.changed[0].changed],
      ['2', '20', '25', ['score']],
    );
    assert.deepEqual(byId.keyCandidates.slice(0, 1), ['id']);
    // the page's key picker: a message through the panel's contract, answered with the sample by that key
    const host = datasets.panels.get(a.digest, b.digest)!;
    assert.equal(host.receive({ type: 'chooseKey', path: byId.path, key: 'city' }), true);
    const byCity = await rowsShown('chosen');
    assert.equal(byCity.key, 'city');
    assert.deepEqual(
      [byCity.added.map((r) => r.key), byCity.removed.map((r) => r.key), byCity.changed.map((r) => r.key)],
      [['Kyiv'], ['Pune'], ['Lima']],
    );
    host.dispose();
  });

  it('refuses a dataset outside the workspace and names the setting that allows it', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'runlog-outside-'));
    try {
      const error = sandbox.stub(vscode.window, 'showErrorMessage').resolves(undefined);
      const result = await vscode.commands.executeCommand('runlog.trackDataset', vscode.Uri.file(outside));
      assert.equal(result, undefined);
      assert.match(
        String(error.firstCall.args[0]),
        /outside the workspace.*runlog\.datasets\.allowOutsideWorkspace/,
      );
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
