import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { RunDocument } from '../../core/store/types';
import { UserError } from '../context';

// "Diff script vs baseline": the tracked script at the two runs' commits, side by side in VS Code's diff editor.
// Each side is a read-only virtual document whose text is `git show <commit>:<path>` (no checkout, no temp files).

const run = promisify(execFile);
export const SCRIPT_SCHEME = 'runlog-script';
const COMMIT = /^[0-9a-f]{7,64}$/i;

interface ScriptAt {
  root: string;
  commit: string;
  file: string;
}

export class ScriptVersions implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const at = parseUri(uri);
    if (!at) throw new UserError(`Not a script version: ${uri.toString()}`);
    try {
      const { stdout } = await run('git', ['show', `${at.commit}:${at.file}`], {
        cwd: at.root,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      return `// ${at.file} cannot be read at commit ${at.commit}: ${stderr || String(error)}\n`;
    }
  }
}

export function scriptUri(at: ScriptAt): vscode.Uri {
  return vscode.Uri.from({
    scheme: SCRIPT_SCHEME,
    path: `/${at.file}`,
    query: new URLSearchParams({ root: at.root, commit: at.commit }).toString(),
  });
}

function parseUri(uri: vscode.Uri): ScriptAt | undefined {
  const query = new URLSearchParams(uri.query);
  const root = query.get('root');
  const commit = query.get('commit');
  const file = uri.path.replace(/^\//, '');
  if (!root || !commit || !COMMIT.test(commit) || !file || file.split('/').includes('..')) return undefined;
  return { root, commit, file };
}

async function repoRoot(dir: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir });
    return stdout.trim();
  } catch {
    throw new UserError(
      `${dir} is not inside a git repository, so the script cannot be read at another commit.`,
    );
  }
}

/** Opens the diff of run a's script at a's commit against b's script at b's commit. */
export async function openScriptDiff(a: RunDocument, b: RunDocument): Promise<void> {
  const commitA = a.capture.git?.commit;
  const commitB = b.capture.git?.commit;
  if (!commitA || !commitB || !COMMIT.test(commitA) || !COMMIT.test(commitB)) {
    throw new UserError('Both runs need a recorded git commit to diff their script.');
  }
  const scriptOf = (doc: RunDocument) =>
    typeof doc.capture.script === 'string' && path.isAbsolute(doc.capture.script)
      ? doc.capture.script
      : undefined;
  const script = scriptOf(b) ?? scriptOf(a);
  if (!script)
    throw new UserError('Neither run recorded its script (capture.script), so there is nothing to diff.');
  const root = await repoRoot(path.dirname(script));
  const file = path
    .relative(root, scriptOf(b) ?? script)
    .split(path.sep)
    .join('/');
  const fileA = path
    .relative(root, scriptOf(a) ?? script)
    .split(path.sep)
    .join('/');
  if (file.startsWith('..') || fileA.startsWith('..'))
    throw new UserError(`${script} is outside the repository ${root}.`);
  await vscode.commands.executeCommand(
    'vscode.diff',
    scriptUri({ root, commit: commitA, file: fileA }),
    scriptUri({ root, commit: commitB, file }),
    `${path.basename(file)} (${a.name} @ ${commitA.slice(0, 7)} ↔ ${b.name} @ ${commitB.slice(0, 7)})`,
    { preview: true },
  );
}
