// Shared by the integration tests (bundled into each test file).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunDocument, RunEntry } from '../../src/core/store/types';
import type { RunlogApi } from '../../src/extension/main';
import { series, writeRun } from '../fixtures/runs';

/** The running extension's API (activating it if needed). */
export async function api(): Promise<RunlogApi> {
  const ext = vscode.extensions.getExtension<RunlogApi>('runlog.runlog')!;
  return ext.isActive ? ext.exports : ext.activate();
}

/** Polls `probe` until it gives a value (not undefined/false), or fails naming what it waited for. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The workspace folder the tests run in (a fresh temp copy of test/fixtures/workspace). */
export function workspaceDir(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

/** A run's document as the index has it now. */
export async function runDoc(id: string): Promise<RunDocument | undefined> {
  const entry: RunEntry | undefined = (await (await api()).ctx.index())?.get(id);
  return entry?.kind === 'run' ? entry.doc : undefined;
}

/** Waits until a run is recorded and no longer running, and returns its final document. */
export function untilEnded(id: string, timeoutMs?: number): Promise<RunDocument> {
  return until(
    `run ${id} to end`,
    async () => {
      const doc = await runDoc(id);
      return doc && doc.status !== 'running' ? doc : undefined;
    },
    timeoutMs,
  );
}

/** Writes a script into the workspace. */
export function writeScript(name: string, body: string): vscode.Uri {
  const file = path.join(workspaceDir(), name);
  fs.writeFileSync(file, body);
  return vscode.Uri.file(file);
}

/**
 * Records a run directly in the store (as the Python client would write it) and waits until the index has it:
 * tests that need a run to exist make their own instead of relying on an earlier test's.
 */
export async function recordRun(overrides: Partial<RunDocument> = {}): Promise<RunDocument> {
  const { ctx } = await api();
  const store = ctx.requireStore();
  await store.ensureCreated();
  const doc = writeRun(store.root, { ...overrides }, series('loss', [0.9, 0.5, 0.25]));
  await (await ctx.index())!.refresh([doc.id]);
  return doc;
}

/** Removes a run folder from the store (test cleanup) and waits until the index forgot it. */
export async function forgetRun(id: string): Promise<void> {
  const { ctx } = await api();
  fs.rmSync(ctx.requireStore().layout.runDir(id), { recursive: true, force: true });
  await (await ctx.index())!.refresh([id]);
}
