import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VersionProblem } from './types';

/** What `python -m runlog dataset version` prints: the version it recorded in the store. */
export interface VersionResult {
  name: string;
  path: string;
  digest: string;
  kind: 'file' | 'folder';
  size: number;
  files: number;
  problems: VersionProblem[];
  /** The version record's path in the store. */
  record: string;
}

export interface VersionProgress {
  bytes: number;
  totalBytes: number;
  files: number;
  totalFiles: number;
}

export interface VersionRequest {
  python: string;
  /** The folder that holds the `runlog` package (dist/python in the extension, src/python in the repository). */
  clientDir: string;
  store: string;
  path: string;
  /** Also list it in the Datasets view under this name (Track Dataset…). */
  trackAs?: string;
  onProgress?: (progress: VersionProgress) => void;
  signal?: AbortSignal;
}

export class VersioningError extends Error {}

/**
 * Versions a dataset with the Python client (the one implementation of hashing, manifests and profiles), in a
 * child process: the caller's thread stays free, progress comes back as JSON lines on stderr.
 */
export function versionWithClient(request: VersionRequest): Promise<VersionResult> {
  const args = ['-m', 'runlog', 'dataset', 'version', request.path, '--store', request.store, '--progress'];
  if (request.trackAs !== undefined) args.push('--track', '--name', request.trackAs);
  const env = { ...process.env, PYTHONPATH: request.clientDir };
  return new Promise((resolve, reject) => {
    const child = spawn(request.python, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: request.signal,
    });
    let stdout = '';
    let stderrTail = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const progress = parseProgress(line);
        if (progress) request.onProgress?.(progress);
        else stderrTail = (stderrTail + line + '\n').slice(-4000);
      }
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') reject(new VersioningError('cancelled'));
      else if (error.code === 'ENOENT')
        reject(
          new VersioningError(
            `Python "${request.python}" was not found; set runlog.pythonPath (or RUNLOG_PYTHON for the CLI)`,
          ),
        );
      else reject(error);
    });
    child.on('close', (code) => {
      const message = (stderrTail + pending).trim().replace(/^runlog: /, '');
      if (code !== 0) {
        reject(new VersioningError(message || `the Python client exited with code ${String(code)}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as VersionResult);
      } catch {
        reject(new VersioningError(`the Python client printed no version (${message || 'no message'})`));
      }
    });
  });
}

function parseProgress(line: string): VersionProgress | undefined {
  if (!line.startsWith('{"progress"')) return undefined;
  try {
    return (JSON.parse(line) as { progress: VersionProgress }).progress;
  } catch {
    return undefined;
  }
}

/** The folder holding the bundled `runlog` package next to a bundle (dist/python) or in the repository. */
export function findClientDir(bundleDir: string): string | undefined {
  for (const dir of [
    join(bundleDir, 'python'),
    join(bundleDir, '..', 'src', 'python'),
    join(bundleDir, '..', 'python'),
  ])
    if (existsSync(join(dir, 'runlog', '_datasets.py'))) return dir;
  return undefined;
}
