import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { RunlogContext } from '../context';
import { UserError } from '../context';
import { checkInterpreter, resolveInterpreter } from './interpreter';

const run = promisify(execFile);

/**
 * Installs the Python client shipped with the extension into the active interpreter, so scripts started outside
 * the editor (terminals, schedulers) can `import runlog` too. Offline: the client has no dependencies.
 */
export async function installPythonClient(ctx: RunlogContext): Promise<void> {
  const interpreter = await resolveInterpreter(ctx, vscode.window.activeTextEditor?.document.uri);
  const version = await checkInterpreter(interpreter);
  const source = ctx.bundledPythonClient;
  const args = ['-m', 'pip', 'install', '--no-index', '--upgrade', '--disable-pip-version-check', source];
  ctx.log.info(`installing the Python client: ${interpreter.path} ${args.join(' ')}`);
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Runlog: installing the Python client into ${interpreter.path}…`,
    },
    async () => {
      try {
        const { stdout, stderr } = await run(interpreter.path, args, {
          timeout: 180_000,
          maxBuffer: 8 * 1024 * 1024,
        });
        ctx.log.info(stdout + stderr);
      } catch (error) {
        const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
        ctx.log.error(output || String(error));
        throw new UserError(installFailure(interpreter.path, output));
      }
    },
  );
  const { stdout } = await run(interpreter.path, [
    '-c',
    'import runlog, os; print(runlog.__version__, os.path.dirname(runlog.__file__))',
  ]);
  const [clientVersion, location] = stdout.trim().split(' ');
  void vscode.window.showInformationMessage(
    `Runlog client ${clientVersion} installed for Python ${version} (${interpreter.path}) in ${location}.`,
  );
}

function installFailure(python: string, output: string): string {
  if (/externally-managed-environment/.test(output)) {
    return (
      `${python} is managed by the system and refuses pip installs. Create a virtual environment ` +
      '(python3 -m venv .venv), select it with "Python: Select Interpreter" or runlog.pythonPath, and install again.'
    );
  }
  if (/No module named pip/.test(output)) {
    return `${python} has no pip. Install it (python3 -m ensurepip, or apt-get install python3-pip) and try again.`;
  }
  return `Installing the Runlog client into ${python} failed; see the Runlog output channel. ${output.trim().split('\n').at(-1) ?? ''}`;
}
