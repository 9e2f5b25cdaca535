// The everyday loop inside a real VS Code with a real python3: a tracked run's own terminal (input, Ctrl-C, Stop
// without an exit-code error), the notice when a run ends, Re-run with Arguments, Undo of a delete in the Runs
// view, and clicks on runs that are live. Every test makes the runs it needs.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { recordedInvocation } from '../../src/core/runs/invocation';
import { COMMANDS, INTERNAL_COMMANDS } from '../../src/extension/commandIds';
import { runItemCommand } from '../../src/extension/runs/runItemCommand';
import type { RunsNode } from '../../src/extension/runs/targets';
import { api, forgetRun, recordRun, runDoc, until, untilEnded, workspaceDir, writeScript } from './helpers';

/** Prints a line 10 times a second for a minute: long enough to be stopped. */
const LONG_SCRIPT =
  'import time\nfor i in range(600):\n    print(f"step {i} loss={1/(i+1):.4f}", flush=True)\n    time.sleep(0.1)\n';

async function untilRunning(id: string) {
  return until(`run ${id} to be running with a metric`, async () => {
    const doc = await runDoc(id);
    return doc?.status === 'running' && doc.metrics.loss ? doc : undefined;
  });
}

function messages(stub: sinon.SinonStub): string[] {
  return stub.getCalls().map((call) => String(call.args[0]));
}

describe('Everyday loop', function () {
  this.timeout(90_000);
  let info: sinon.SinonStub;
  let warnings: sinon.SinonStub;
  let errors: sinon.SinonStub;
  beforeEach(() => {
    info = sinon.stub(vscode.window, 'showInformationMessage').resolves(undefined);
    warnings = sinon.stub(vscode.window, 'showWarningMessage').resolves(undefined);
    errors = sinon.stub(vscode.window, 'showErrorMessage').resolves(undefined);
  });
  afterEach(() => sinon.restore());

  describe('a tracked run’s terminal', () => {
    it('passes typed input to the script, line by line, echoed', async () => {
      const { runner } = await api();
      const uri = writeScript('ask.py', 'name = input("name? ")\nprint(f"hello {name}", flush=True)\n');
      const id = (await runner.runFile(uri))!;
      const launch = runner.launched.find((l) => l.id === id)!;
      await until('the process to start', () => launch.process.pid);
      launch.terminal.sendText('ada lovelace'); // with a newline, as Enter
      const doc = await untilEnded(id);
      assert.equal(doc.status, 'finished');
      const output = fs.readFileSync((await api()).ctx.store!.layout.outputFile(id), 'utf8');
      assert.match(output, /hello ada lovelace/);
    });

    it('Ctrl-C interrupts the run (exit 130) without an error, and says so', async () => {
      const { runner } = await api();
      const id = (await runner.runFile(writeScript('long_ctrl_c.py', LONG_SCRIPT)))!;
      await untilRunning(id);
      const launch = runner.launched.find((l) => l.id === id)!;
      launch.terminal.sendText('\x03', false);
      const doc = await untilEnded(id);
      assert.equal(doc.status, 'interrupted');
      assert.equal(doc.capture.exitCode, 130);
      await until('the process to end', () => launch.process.exit);
      assert.equal(launch.process.exit?.code, 130);
      const notice = await until('the end notice', () =>
        messages(info).find((m) => m.startsWith(`Run ${doc.name} was stopped after`)),
      );
      assert.match(notice, /loss \d/);
      assert.deepEqual(messages(errors), [], 'no error message');
      assert.equal(launch.terminal.exitStatus, undefined, 'the terminal stays open with the output');
    });

    it('Stop Run signals the process this window started (SIGTERM → interrupted, exit 143), without an error', async () => {
      const { runner } = await api();
      const id = (await runner.runFile(writeScript('long_stop.py', LONG_SCRIPT)))!;
      const running = await untilRunning(id);
      const launch = runner.launched.find((l) => l.id === id)!;
      assert.equal(
        running.capture.pid,
        launch.process.pid,
        'the run is written by the process the window holds',
      );
      await vscode.commands.executeCommand(COMMANDS.stopRun, id);
      const doc = await untilEnded(id);
      assert.equal(doc.status, 'interrupted');
      assert.equal(doc.capture.exitCode, 143);
      await until('the end notice', () =>
        messages(info).find((m) => m.startsWith(`Run ${doc.name} was stopped`)),
      );
      assert.deepEqual(messages(errors), []);
      assert.deepEqual(messages(warnings), []);
    });

    it('Stop Run stops a run started outside this window once its process is verified as the run’s writer', async () => {
      const { ctx } = await api();
      const script = writeScript('long_outside.py', LONG_SCRIPT);
      const id = '20300101-000000-000-0a751de0';
      // As from a shell: `python -m runlog run -- long_outside.py`, not through the editor.
      const outside = spawn('python3', ['-m', 'runlog', 'run', '--', script.fsPath], {
        cwd: path.dirname(script.fsPath),
        env: {
          ...process.env,
          PYTHONPATH: ctx.bundledPythonClient,
          RUNLOG_STORE: ctx.store!.root,
          RUNLOG_RUN_ID: id,
        },
        stdio: 'ignore',
      });
      try {
        const running = await untilRunning(id);
        assert.equal(running.capture.pid, outside.pid);
        assert.equal(
          typeof running.capture.processStart,
          'string',
          'the client records its process identity',
        );
        await vscode.commands.executeCommand(COMMANDS.stopRun, id);
        const doc = await untilEnded(id);
        assert.equal(doc.status, 'interrupted');
        assert.equal(doc.capture.exitCode, 143);
        assert.deepEqual(messages(errors), []);
      } finally {
        outside.kill('SIGKILL');
        await forgetRun(id);
      }
    });

    it('Stop Run does not signal a pid from a run document it cannot verify as the run’s process', async () => {
      // A live process that is NOT the run's writer: a run document claiming its pid (reused pid, or a forged doc).
      const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
      let doc: Awaited<ReturnType<typeof recordRun>> | undefined;
      try {
        await until('the stranger process', () => stranger.pid);
        const now = new Date().toISOString();
        doc = await recordRun({
          status: 'running',
          startTime: now,
          endTime: null,
          heartbeatAt: now,
          capture: { source: 'script', pid: stranger.pid, host: hostname(), command: ['python3', 'x.py'] },
        });
        await vscode.commands.executeCommand(COMMANDS.stopRun, doc.id);
        assert.match(messages(errors).join('\n'), new RegExp(`cannot stop run ${doc.name}`));
        assert.equal(stranger.exitCode, null, 'the stranger process was not signalled');
        assert.equal(stranger.signalCode, null);
        assert.equal((await runDoc(doc.id))?.status, 'running');
      } finally {
        stranger.kill('SIGKILL');
        if (doc) await forgetRun(doc.id);
      }
    });
  });

  describe('the notice when a launched run ends', () => {
    it('says a finished run finished, with its duration and metric, and Show Details opens it', async () => {
      const { runner, details } = await api();
      info.callsFake((message: string) =>
        Promise.resolve(/finished in/.test(message) ? 'Show Details' : undefined),
      );
      const id = (await runner.runFile(vscode.Uri.file(path.join(workspaceDir(), 'train.py'))))!;
      const doc = await untilEnded(id);
      const notice = await until('the end notice', () =>
        info.getCalls().find((call) => String(call.args[0]).startsWith(`Run ${doc.name} finished in`)),
      );
      assert.match(String(notice.args[0]), /^Run \S+ finished in \d+(ms|s) · loss 0\.1667$/);
      assert.equal(notice.args[1], 'Show Details');
      await until('its details panel', () => details.get(id));
      assert.deepEqual(messages(errors), []);
    });

    it('says a failed run failed, with the error, as a warning', async () => {
      const { runner } = await api();
      const id = (await runner.runFile(
        writeScript('boom.py', 'raise ValueError("learning rate too high")\n'),
      ))!;
      const doc = await untilEnded(id);
      assert.equal(doc.status, 'failed');
      const warning = await until('the failure notice', () =>
        messages(warnings).find((m) => m.startsWith(`Run ${doc.name} failed after`)),
      );
      assert.match(warning, /ValueError: learning rate too high/);
      assert.deepEqual(messages(errors), [], 'a failed script is the user’s result, not an error of Runlog');
    });
  });

  describe('Re-run with Arguments', () => {
    it('re-runs a run’s script with its recorded arguments, edited first', async () => {
      const { runner } = await api();
      const script = writeScript('args.py', 'import sys\nprint("args", sys.argv[1:], flush=True)\n');
      const first = await untilEnded((await runner.runFile(script, ['--lr', '0.1']))!);
      const input = sinon.stub(vscode.window, 'showInputBox').resolves('--lr 0.5 --name "two words"');
      const secondId = await vscode.commands.executeCommand<string>(COMMANDS.rerunWithArguments, first.id);
      assert.equal(input.firstCall.args[0]?.value, '--lr 0.1', 'prefilled with the recorded arguments');
      assert.ok(secondId && secondId !== first.id);
      const second = await untilEnded(secondId);
      assert.equal(second.status, 'finished');
      assert.deepEqual(recordedInvocation(second), {
        script: script.fsPath,
        args: ['--lr', '0.5', '--name', 'two words'],
      });
      assert.equal(second.params.lr, 0.5);
      const output = fs.readFileSync((await api()).ctx.store!.layout.outputFile(secondId), 'utf8');
      assert.match(output, /args \['--lr', '0\.5', '--name', 'two words'\]/);
    });

    it('from the editor: runs the file, offering the arguments of its last run', async () => {
      const { runner } = await api();
      const script = writeScript('args_editor.py', 'import sys\nprint(sys.argv[1:], flush=True)\n');
      await untilEnded((await runner.runFile(script, ['--epochs', '2']))!);
      const input = sinon.stub(vscode.window, 'showInputBox').resolves('--epochs 3');
      const id = await vscode.commands.executeCommand<string>(COMMANDS.rerunWithArguments, script);
      assert.equal(input.firstCall.args[0]?.value, '--epochs 2');
      assert.deepEqual((recordedInvocation(await untilEnded(id)) as { args: string[] }).args, [
        '--epochs',
        '3',
      ]);
    });

    it('does nothing when the input is cancelled, and refuses a pipe with a fix', async () => {
      const { runner } = await api();
      const doc = await recordRun({
        capture: {
          source: 'script',
          cwd: workspaceDir(),
          command: ['python3', '-m', 'runlog', 'run', '--', 'train.py', '3'],
        },
      });
      try {
        const launched = runner.launched.length;
        const input = sinon.stub(vscode.window, 'showInputBox').resolves(undefined);
        assert.equal(await vscode.commands.executeCommand(COMMANDS.rerunWithArguments, doc.id), undefined);
        assert.equal(input.firstCall.args[0]?.value, '3', 'older runs: arguments read from capture.command');
        const options = input.firstCall.args[0];
        const problem = await options?.validateInput?.('3 | tee log');
        assert.match(typeof problem === 'string' ? problem : '', /quote it/);
        assert.equal(runner.launched.length, launched, 'nothing launched');
      } finally {
        await forgetRun(doc.id);
      }
    });
  });

  describe('the Runs view', () => {
    it('shows a deleted run again right after Undo', async () => {
      const { runs } = await api();
      const doc = await recordRun({ experiment: 'undo-me' });
      const experiment: RunsNode = { kind: 'experiment', name: 'undo-me' };
      // The view asks for the nodes it shows: the experiment and the run are on screen.
      const shown = await runs.getChildren(
        await until('the experiment node', async () =>
          (await runs.getChildren()).find((n) => n.kind === 'experiment' && n.name === experiment.name),
        ),
      );
      assert.deepEqual(
        shown.map((n) => n.kind === 'run' && n.id),
        [doc.id],
      );
      for (const node of shown) await runs.getTreeItem(node);

      let fired: (RunsNode | undefined)[] = [];
      const sub = runs.onDidChangeTreeData((node) => fired.push(node));
      try {
        let undo: (choice: string) => void = () => undefined;
        info.onFirstCall().returns(new Promise((resolve) => (undo = resolve)));
        const deleting = vscode.commands.executeCommand(COMMANDS.deleteRun, shown[0], [shown[0]]);
        await until('the delete notice', () => messages(info)[0]);
        assert.match(messages(info)[0], /^Deleted run /);
        await until('the view to drop the run', () => fired.includes(undefined));
        fired = [];
        undo('Undo');
        await deleting;
        // Undo must make the view fetch the tree again (the root, or the run's experiment): refreshing only the
        // run's own node, which the view no longer shows, leaves it missing.
        await until('the view to be told to fetch the tree again', () =>
          fired.some((node) => node === undefined || (node.kind === 'experiment' && node.name === 'undo-me')),
        );
        const experiments = await runs.getChildren();
        const back = experiments.find((n) => n.kind === 'experiment' && n.name === 'undo-me');
        assert.ok(back, 'the experiment is back');
        assert.deepEqual(
          (await runs.getChildren(back)).map((n) => n.kind === 'run' && n.id),
          [doc.id],
        );
      } finally {
        sub.dispose();
        await forgetRun(doc.id);
      }
    });

    it('a click on a live run opens it through a command without arguments (no "Actual command not found")', async () => {
      const { runner, runs, details, statusBar } = await api();
      const command = runItemCommand();
      assert.equal(command.command, INTERNAL_COMMANDS.openClickedRun);
      assert.equal(command.arguments, undefined, 'no converter-cached arguments that a refresh could drop');
      const id = (await runner.runFile(writeScript('long_click.py', LONG_SCRIPT)))!;
      try {
        await untilRunning(id);
        const node = (
          await runs.getChildren(
            (await runs.getChildren()).find((n) => n.kind === 'experiment' && n.name === 'long_click'),
          )
        )[0];
        await vscode.commands.executeCommand('runlog.runs.focus');
        await runs.getTreeItem(node);
        await until('the view to show the run', async () => {
          try {
            await runs.view.reveal(node, { select: true, focus: true });
            return true;
          } catch {
            return undefined; // not rendered yet
          }
        });
        await until('the selection', () => runs.view.selection.some((n) => n.kind === 'run' && n.id === id));
        await vscode.commands.executeCommand(INTERNAL_COMMANDS.openClickedRun);
        await until('the details panel of the clicked run', () => details.get(id));
        // The status bar keeps one command object per shown run, so its updates do not re-register the command.
        const first = await until('the status bar to show the run', async () => {
          await statusBar.update();
          return statusBar.command?.arguments?.[0] === id ? statusBar.command : undefined;
        });
        const step = (await runDoc(id))!.metrics.loss.step;
        await until('a later step', async () =>
          (await runDoc(id))!.metrics.loss.step > step ? true : undefined,
        );
        await statusBar.update();
        assert.equal(statusBar.command, first, 'the same command object across updates');
        assert.deepEqual(messages(errors), []);
      } finally {
        await vscode.commands.executeCommand(COMMANDS.stopRun, id);
        await untilEnded(id);
      }
    });
  });
});
