// The Python side as a user meets it from the editor: installing the client into an environment, Python debug
// sessions turned into tracked launches, and the walkthrough.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { trackedDebugConfiguration } from '../../src/extension/runs/debugTracking';
import { api, until } from './helpers';

describe('Python integration', function () {
  this.timeout(120_000);
  const cleanup: string[] = [];
  afterEach(async () => {
    sinon.restore();
    for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    await vscode.workspace
      .getConfiguration('runlog')
      .update('pythonPath', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('installs the bundled client into the chosen interpreter (a fresh venv), offline', async () => {
    const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'runlog-venv-'));
    cleanup.push(venv);
    execFileSync('python3', ['-m', 'venv', venv]);
    const python = path.join(venv, 'bin', 'python');
    assert.throws(
      () => execFileSync(python, ['-c', 'import runlog'], { stdio: 'pipe' }),
      'not installed yet',
    );
    await vscode.workspace
      .getConfiguration('runlog')
      .update('pythonPath', python, vscode.ConfigurationTarget.Workspace);
    const info = sinon.stub(vscode.window, 'showInformationMessage').resolves(undefined);
    await vscode.commands.executeCommand('runlog.installPythonClient');
    assert.match(String(info.lastCall?.args[0]), /Runlog client \S+ installed for Python 3\.\d+/);
    const where = execFileSync(python, ['-c', 'import runlog; print(runlog.__file__)'], { encoding: 'utf8' });
    assert.ok(where.startsWith(venv), `imported from the venv, not from elsewhere: ${where}`);
  });

  it('turns a Python debug launch into a tracked `python -m runlog run` launch', async () => {
    const { ctx } = await api();
    const program = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'train.py');
    const config = await trackedDebugConfiguration(ctx, {
      type: 'debugpy',
      request: 'launch',
      name: 'Train',
      program,
      args: ['--lr', '0.1'],
      env: { KEEP: '1' },
    });
    assert.ok(config);
    assert.equal(config.program, undefined);
    assert.equal(config.module, 'runlog');
    assert.deepEqual(config.args, ['run', '--', program, '--lr', '0.1']);
    const env = config.env as Record<string, string>;
    assert.equal(env.KEEP, '1');
    assert.equal(env.RUNLOG_SOURCE, 'debug');
    assert.equal(env.RUNLOG_STORE, ctx.store!.root);
    assert.match(env.RUNLOG_RUN_ID, /^\d{8}-\d{6}-\d{3}-[0-9a-f]{8}$/);
    assert.ok(env.PYTHONPATH.startsWith(ctx.bundledPythonClient));
    // Attach requests, module launches and opted-out configurations are left alone.
    assert.equal(
      await trackedDebugConfiguration(ctx, { type: 'debugpy', request: 'attach', name: 'a' }),
      undefined,
    );
    assert.equal(
      await trackedDebugConfiguration(ctx, { type: 'debugpy', request: 'launch', name: 'm', module: 'pkg' }),
      undefined,
    );
    assert.equal(
      await trackedDebugConfiguration(ctx, {
        type: 'debugpy',
        request: 'launch',
        name: 'o',
        program,
        runlog: false,
      }),
      undefined,
    );
  });

  it('opens the "Get started with Runlog" walkthrough', async () => {
    // A Welcome tab alone proves nothing (an unknown walkthrough id opens the generic Welcome page too): the command
    // must name this extension's walkthrough, and a new Welcome tab must open.
    const ext = vscode.extensions.getExtension('runlog.runlog')!;
    const walkthroughs = (
      ext.packageJSON as { contributes: { walkthroughs: { id: string; title: string }[] } }
    ).contributes.walkthroughs;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const welcomeTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => /Welcome|Walkthrough/i.test(t.label));
    assert.equal(welcomeTabs().length, 0, 'no Welcome tab before');
    const executed = sinon.spy(vscode.commands, 'executeCommand');
    await vscode.commands.executeCommand('runlog.openWalkthrough');
    const call = executed.getCalls().find((c) => c.args[0] === 'workbench.action.openWalkthrough');
    assert.ok(call, 'runlog.openWalkthrough opens a walkthrough');
    assert.equal(call.args[1], `${ext.id}#${walkthroughs[0].id}`);
    assert.equal(walkthroughs[0].title, 'Get started with Runlog');
    await until('a Welcome/walkthrough editor', () => welcomeTabs().length === 1 || undefined);
  });
});
