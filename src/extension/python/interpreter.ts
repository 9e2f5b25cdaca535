import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { RunlogContext } from '../context';
import { UserError } from '../context';

const run = promisify(execFile);

export interface Interpreter {
  path: string;
  /** Where the choice came from, for messages. */
  source: 'Python extension' | 'runlog.pythonPath' | 'default';
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(path: string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

/** The interpreter the user means: the Python extension's selection, else runlog.pythonPath, else python3. */
export async function resolveInterpreter(ctx: RunlogContext, resource?: vscode.Uri): Promise<Interpreter> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (extension) {
    try {
      const api = extension.isActive ? extension.exports : await extension.activate();
      const active = api.environments?.getActiveEnvironmentPath(resource);
      if (active) {
        const resolved = await api.environments!.resolveEnvironment(active.path);
        const path = resolved?.executable.uri?.fsPath ?? active.path;
        if (path) return { path, source: 'Python extension' };
      }
    } catch (error) {
      ctx.log.warn(`Python extension did not give an interpreter: ${String(error)}`);
    }
  }
  if (ctx.config.pythonPath) return { path: ctx.config.pythonPath, source: 'runlog.pythonPath' };
  return { path: process.platform === 'win32' ? 'python' : 'python3', source: 'default' };
}

const checked = new Map<string, Promise<string>>();

/** Makes sure the interpreter starts and is recent enough; returns its version. Cached per path. */
export function checkInterpreter(interpreter: Interpreter): Promise<string> {
  let result = checked.get(interpreter.path);
  if (!result) {
    result = probe(interpreter);
    checked.set(interpreter.path, result);
    result.catch(() => checked.delete(interpreter.path));
  }
  return result;
}

async function probe(interpreter: Interpreter): Promise<string> {
  const fix =
    interpreter.source === 'Python extension'
      ? 'Select another interpreter with "Python: Select Interpreter".'
      : 'Install Python 3.8 or later, or set the setting runlog.pythonPath to an interpreter.';
  let stdout: string;
  try {
    ({ stdout } = await run(
      interpreter.path,
      ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'],
      {
        timeout: 15_000,
      },
    ));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it was not found' : (error as Error).message.split('\n')[0];
    throw new UserError(
      `Runlog could not start Python "${interpreter.path}" (${interpreter.source}): ${why}. ${fix}`,
    );
  }
  const version = stdout.trim();
  const [major, minor] = version.split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 8)) {
    throw new UserError(`Runlog needs Python 3.8 or later; "${interpreter.path}" is ${version}. ${fix}`);
  }
  return version;
}
