// The extension inside a real VS Code: it activates, registers every contributed command and its views resolve.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, until } from './helpers';

const EXTENSION_ID = 'runlog.runlog';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    viewsContainers: { activitybar: { id: string }[] };
  };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the test instance`);
  return ext;
}

describe('Runlog extension', () => {
  before(async () => {
    await extension().activate();
  });

  it('runs inside VS Code 1.100.3 on the code-server harness', () => {
    const host = process.env.RUNLOG_TEST_HOST ?? 'unknown';
    console.log(
      `    VS Code ${vscode.version} (${vscode.env.appName}, uiKind ${vscode.UIKind[vscode.env.uiKind]}), ` +
        `extension host Node ${process.versions.node}, test host: ${host}`,
    );
    if (host === 'code-server') {
      assert.equal(vscode.version, '1.100.3');
      assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    }
  });

  it('opens the fixture workspace', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    assert.equal(folder.uri.scheme, 'file');
    assert.ok(
      fs.existsSync(path.join(folder.uri.fsPath, 'train.py')),
      'train.py is missing from the workspace',
    );
  });

  it('activates', () => {
    assert.equal(extension().isActive, true);
  });

  it("keeps VS Code's own file watcher out of the run folders by default (the run index follows them)", () => {
    const excluded =
      vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('watcherExclude') ?? {};
    assert.equal(excluded['**/.runlog/runs/**'], true);
    assert.equal(excluded['**/.git/objects/**'], true, "VS Code's own defaults are kept");
  });

  it('registers every command contributed in package.json', async () => {
    const manifest = extension().packageJSON as Manifest;
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes the Runlog view container with the Runs, Datasets and Registry views', async () => {
    const manifest = extension().packageJSON as Manifest;
    assert.deepEqual(
      manifest.contributes.viewsContainers.activitybar.map((c) => c.id),
      ['runlog'],
    );
    assert.deepEqual(
      (manifest.contributes.views.runlog ?? []).map((v) => v.id),
      ['runlog.runs', 'runlog.datasets', 'runlog.registry'],
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(
      registered.has('workbench.view.extension.runlog'),
      'the Runlog view container has no open command',
    );
  });

  for (const view of ['runlog.runs', 'runlog.datasets', 'runlog.registry']) {
    it(`resolves the ${view} view`, async () => {
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.ok(registered.has(`${view}.focus`), `${view}.focus is not registered`);
      await vscode.commands.executeCommand(`${view}.focus`);
    });
  }

  it('shows the Runs view when the Runlog side bar opens', async () => {
    const { runs } = await api();
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await until('the Runs view to be hidden', () => !runs.view.visible || undefined);
    await vscode.commands.executeCommand('workbench.view.extension.runlog');
    await until('the Runs view to be visible', () => runs.view.visible || undefined);
  });
});
