import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newRunId } from '../../core/store/ids';
import { isRunning, type ReadableRun } from '../../core/store/types';
import type { RunlogContext } from '../context';
import { UserError } from '../context';
import { checkInterpreter, resolveInterpreter } from '../python/interpreter';
import { experimentOf, launchEnvironment } from './launchEnvironment';
import { runTargets } from './targets';

/** A run the editor launched and is waiting to see in the store. */
export interface Launch {
  id: string;
  file: string;
  terminal: vscode.Terminal;
}

const STOP_GRACE_MS = 5000;

/**
 * Runs Python files with tracking in the integrated terminal (live output, working input) and stops runs. The
 * terminal runs the interpreter directly (`python -m runlog run -- file`), so no shell quoting is involved.
 */
export class ScriptRunner {
  private readonly launches = new Map<string, Launch>();
  private readonly launchEmitter = new vscode.EventEmitter<Launch>();
  /** Fires when a run is launched, before its process has written anything. */
  readonly onDidLaunch = this.launchEmitter.event;

  constructor(private readonly ctx: RunlogContext) {
    ctx.own(this.launchEmitter);
    ctx.own(
      vscode.window.onDidCloseTerminal((terminal) => {
        for (const [id, launch] of this.launches) if (launch.terminal === terminal) this.launches.delete(id);
      }),
    );
    ctx.own(ctx.onDidChangeRuns(() => void this.updateContextKey()));
  }

  /** Runs launched from this window, newest last (their terminals may still be open after they end). */
  get launched(): Launch[] {
    return [...this.launches.values()];
  }

  async runFile(uri?: vscode.Uri): Promise<string | undefined> {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target)
      throw new UserError('Open a Python file (or pick one in the Explorer) to run it with tracking.');
    if (target.scheme !== 'file')
      throw new UserError(`Runlog can only run files on disk, not ${target.toString()}.`);
    const file = target.fsPath;
    if (!existsSync(file))
      throw new UserError(`The script ${file} does not exist. Save it first, or pick another file.`);
    const open = vscode.workspace.textDocuments.find((doc) => doc.uri.fsPath === file);
    if (open?.isDirty) await open.save();

    const interpreter = await resolveInterpreter(this.ctx, target);
    await checkInterpreter(interpreter);
    const store = this.ctx.requireStore();
    await store.ensureCreated();

    const id = newRunId();
    const experiment = experimentOf(file);
    const cwd = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(file);
    this.closeFinishedTerminals(file);
    const terminal = vscode.window.createTerminal({
      name: `Runlog: ${path.basename(file)}`,
      shellPath: interpreter.path,
      shellArgs: ['-m', 'runlog', 'run', '--', file],
      cwd,
      env: launchEnvironment(this.ctx, { id, experiment, storeRoot: store.root }),
      iconPath: new vscode.ThemeIcon('graph-line'),
    });
    terminal.show(true);
    const launch = { id, file, terminal };
    this.launches.set(id, launch);
    this.launchEmitter.fire(launch);
    this.ctx.log.info(`launched run ${id}: ${interpreter.path} -m runlog run -- ${file} (cwd ${cwd})`);
    await this.updateContextKey();
    return id;
  }

  /** Terminals of earlier runs of the same file whose process has ended are closed; running ones stay. */
  private closeFinishedTerminals(file: string): void {
    for (const [id, launch] of this.launches) {
      if (launch.file === file && launch.terminal.exitStatus !== undefined) {
        launch.terminal.dispose();
        this.launches.delete(id);
      }
    }
  }

  /** Stops running runs (SIGTERM, so they end as interrupted); kills what does not stop within 5 s. */
  async stop(node?: unknown, selection?: unknown): Promise<void> {
    const entries = await runTargets(this.ctx, node, selection, {
      placeHolder: 'Run to stop',
      filter: isRunning,
    });
    const running = entries.filter(isRunning);
    if (running.length === 0) throw new UserError('That run is not running.');
    await Promise.all(running.map((entry) => this.stopOne(entry)));
  }

  private async stopOne(entry: ReadableRun): Promise<void> {
    const pid = entry.doc.capture.pid ?? (await this.launches.get(entry.id)?.terminal.processId);
    if (entry.doc.capture.host && entry.doc.capture.host !== hostname()) {
      throw new UserError(`Run ${entry.doc.name} runs on ${entry.doc.capture.host}; stop it there.`);
    }
    if (!pid || !signal(pid, 'SIGTERM')) {
      await this.ctx
        .requireStore()
        .markInterrupted(entry.id, 'Stopped from the editor; its process was already gone.');
      return;
    }
    const index = await this.ctx.index();
    const deadline = Date.now() + STOP_GRACE_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await index?.refresh([entry.id]);
      const now = index?.get(entry.id);
      if (now?.kind !== 'run' || now.doc.status !== 'running') return;
    }
    signal(pid, 'SIGKILL');
    await this.ctx
      .requireStore()
      .markInterrupted(entry.id, `Stopped from the editor; killed after ${STOP_GRACE_MS / 1000} s.`);
    await index?.refresh([entry.id]);
  }

  private async updateContextKey(): Promise<void> {
    const index = await this.ctx.index();
    // Active: a run the store says is running, or a launch whose process has not written its run yet.
    const starting = this.launched.some((l) => !index?.get(l.id) && l.terminal.exitStatus === undefined);
    const active = starting || (index?.list().some(isRunning) ?? false);
    await vscode.commands.executeCommand('setContext', 'runlog.runActive', active);
  }
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
