import * as path from 'node:path';
import { parse, quote } from 'shell-quote';
import type { RunDocument } from '../store/types';

/** What re-running a recorded run needs: the script (absolute) and its arguments. */
export interface Invocation {
  script: string;
  args: string[];
}

/** Options of `python -m runlog run` that take a value (src/python/runlog/_cli.py). */
const WRAPPER_VALUE_OPTIONS = ['--name', '--experiment', '--source'];
/** Options of the Python interpreter itself that take a value. */
const PYTHON_VALUE_OPTIONS = ['-W', '-X', '--check-hash-based-pycs'];

/**
 * The script and arguments a run was started with, for "Re-run with Arguments…": `capture.script` and
 * `capture.args` when the run has them, else read from `capture.command` — either the wrapper's command of older
 * runs (`python -m runlog run [--name N] -- train.py --lr 0.3`) or the user's (`python train.py --lr 0.3`).
 * Undefined with a reason when the run did not run a script file (a module, `-c`, a notebook).
 */
export function recordedInvocation(doc: RunDocument): Invocation | { problem: string } {
  const { capture } = doc;
  const cwd = typeof capture.cwd === 'string' ? capture.cwd : '';
  if (capture.source === 'notebook') return { problem: `run ${doc.name} ran in a notebook, not as a script` };
  const fromCommand = Array.isArray(capture.command)
    ? scriptOfCommand(capture.command.map(String))
    : undefined;
  const script = typeof capture.script === 'string' && capture.script ? capture.script : undefined;
  const args = Array.isArray(capture.args) ? capture.args.map(String) : undefined;
  if (script && args) return { script: path.resolve(cwd, script), args };
  if (fromCommand && 'script' in fromCommand) {
    return { script: path.resolve(cwd, script ?? fromCommand.script), args: args ?? fromCommand.args };
  }
  if (script) return { script: path.resolve(cwd, script), args: [] };
  return { problem: fromCommand?.problem ?? `run ${doc.name} has no recorded command` };
}

function scriptOfCommand(command: string[]): Invocation | { problem: string } {
  const wrapper = command.findIndex((arg, i) => arg === '-m' && command[i + 1] === 'runlog');
  if (wrapper >= 0 && command[wrapper + 2] === 'run') return afterWrapper(command.slice(wrapper + 3));
  return afterPython(command.slice(1));
}

/** `python -m runlog run` arguments: options, then `--` or the script, then the script's arguments. */
function afterWrapper(rest: string[]): Invocation | { problem: string } {
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') return rest[i + 1] ? { script: rest[i + 1], args: rest.slice(i + 2) } : missing();
    if (arg === '-m') return { problem: `it ran the module ${rest[i + 1] ?? ''}, not a script file` };
    if (WRAPPER_VALUE_OPTIONS.includes(arg)) i++;
    else if (arg.startsWith('-') && arg !== '-') continue;
    else return { script: arg, args: rest.slice(i + 1) };
  }
  return missing();
}

/** The interpreter's arguments: its own options, then the script (or -m / -c, which are not script files). */
function afterPython(rest: string[]): Invocation | { problem: string } {
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-m') return { problem: `it ran the module ${rest[i + 1] ?? ''}, not a script file` };
    if (arg === '-c' || arg === '-')
      return { problem: 'it ran code given on the command line, not a script file' };
    if (PYTHON_VALUE_OPTIONS.includes(arg)) i++;
    else if (arg === '--') return rest[i + 1] ? { script: rest[i + 1], args: rest.slice(i + 2) } : missing();
    else if (!arg.startsWith('-')) return { script: arg, args: rest.slice(i + 1) };
  }
  return missing();
}

function missing(): { problem: string } {
  return { problem: 'its recorded command names no script' };
}

/** Arguments as one line a user can edit: shell quoting, so `--name "a b"` reads as typed. */
export function formatArguments(args: readonly string[]): string {
  return quote([...args]);
}

/**
 * The arguments typed in an input box, split as a POSIX shell would split them, but nothing is expanded or run:
 * `$HOME` and `*.py` stay as written (the script is started without a shell). Pipes, redirections and `;` are
 * refused with a message, since they would not do what they do in a shell.
 */
export function parseArguments(text: string): { args: string[] } | { problem: string } {
  let tokens: ReturnType<typeof parse>;
  try {
    tokens = parse(text, (name) => `$${name}`);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const args: string[] = [];
  for (const token of tokens) {
    if (typeof token === 'string') {
      args.push(token);
      continue;
    }
    const { op, pattern } = token as { op?: string; pattern?: string };
    if (op === 'glob' && pattern !== undefined) {
      args.push(pattern);
      continue;
    }
    const what = op ?? '#';
    return {
      problem: `"${what}" means nothing here (the script is started without a shell): quote it ('${what}') to pass it as is.`,
    };
  }
  return { args };
}
