// Shared by the integration tests (bundled into each test file).
import * as vscode from 'vscode';
import type { RunlogApi } from '../../src/extension/main';

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
