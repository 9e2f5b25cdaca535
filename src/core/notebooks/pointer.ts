import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * The pointer file that tells the Python client in a notebook's kernel which run to log into: written by the editor
 * while it tracks the notebook, at `<store>/notebooks/<key>.json`, key = the first 16 hex digits of the sha256 of
 * the notebook's absolute path (what the kernel sees as `__vsc_ipynb_file__`). docs/store-format.md, "Notebook runs".
 */
export interface NotebookPointer {
  notebook: string;
  /** The notebook's current run, or the id its next run will get (the run folder may not exist yet). */
  runId: string;
  host: string;
  /** The editor process that keeps the pointer: a pointer whose editor is gone is ignored. */
  editorPid: number;
  at: string;
}

export function pointersDir(storeRoot: string): string {
  return join(storeRoot, 'notebooks');
}

export function pointerKey(notebookPath: string): string {
  return createHash('sha256').update(notebookPath).digest('hex').slice(0, 16);
}

export function pointerFile(storeRoot: string, notebookPath: string): string {
  return join(pointersDir(storeRoot), `${pointerKey(notebookPath)}.json`);
}

export async function writePointer(storeRoot: string, notebookPath: string, runId: string): Promise<void> {
  const pointer: NotebookPointer = {
    notebook: notebookPath,
    runId,
    host: hostname(),
    editorPid: process.pid,
    at: new Date().toISOString(),
  };
  const file = pointerFile(storeRoot, notebookPath);
  await mkdir(pointersDir(storeRoot), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(pointer));
  await rename(`${file}.tmp`, file); // the kernel never reads half a pointer
}

export async function readPointer(
  storeRoot: string,
  notebookPath: string,
): Promise<NotebookPointer | undefined> {
  try {
    return JSON.parse(await readFile(pointerFile(storeRoot, notebookPath), 'utf8')) as NotebookPointer;
  } catch {
    return undefined;
  }
}

export async function removePointer(storeRoot: string, notebookPath: string): Promise<void> {
  await rm(pointerFile(storeRoot, notebookPath), { force: true });
}
