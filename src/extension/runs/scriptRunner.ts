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
import { processExists, signalRunProcess, verifyRunProcess } from '../../core/store/processIdentity';
import { RunProcessTerminal, type ProcessExit } from './runTerminal';
import { runTargets } from './targets';

/** A run the editor launched: its terminal and the process it started (which this extension alone may signal). */
export interface Launch {
  id: string;
  file: string;
  args: string[];
  terminal: vscode.Terminal;
  process: RunProcessTerminal;
}

/** A launched run whose process has ended; `stopped` when the user stopped it (Stop, Ctrl-C, closing it). */
export interface LaunchEnd {
  launch: Launch;
  exit: ProcessExit;
}

const STOP_GRACE_MS = 5000;

/**
 * Runs Python files with tracking in a terminal of their own (live output, working input) and stops runs. The
 * terminal's process is started by the extension (`python -m runlog run -- file args`, no shell, so no quoting),
 * see RunProcessTerminal.
 */
export class ScriptRunner {
  private readonly launches = new Map<string, Launch>();
  private readonly launchEmitter = new vscode.EventEmitter<Launch>();
  private readonly endEmitter = new vscode.EventEmitter<LaunchEnd>();
  /** Fires when a run is launched, before its process has written anything. */
  readonly onDidLaunch = this.launchEmitter.event;
  /** Fires when the process of a launched run has ended (the run's final record is written by then). */
  readonly onDidEnd = this.endEmitter.event;

  constructor(private readonly ctx: RunlogContext) {
    ctx.own(this.launchEmitter);
    ctx.own(this.endEmitter);
    ctx.own(
      vscode.window.onDidCloseTerminal((terminal) => {
        for (const [id, launch] of this.launches) if (launch.terminal === terminal) this.launches.delete(id);
      }),
    );
    ctx.own(ctx.onDidChangeRuns(() => void this.updateContextKey()));
    // Closing the window stops the runs it started, as closing their terminals would.
    ctx.own({ dispose: () => this.launched.forEach((launch) => launch.process.close()) });
  }

  /** Runs launched from this window, newest last (their terminals may still be open after they end). */
  get launched(): Launch[] {
    return [...this.launches.values()];
  }

  /** Runs a Python file (the given one, else the active editor's) with tracking, with the given arguments. */
  async runFile(uri?: vscode.Uri, args: string[] = []): Promise<string | undefined> {
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
    const runProcess = new RunProcessTerminal({
      command: interpreter.path,
      args: ['-m', 'runlog', 'run', '--', file, ...args],
      cwd,
      env: {
        ...definedOnly(process.env),
        ...launchEnvironment(this.ctx, { id, experiment, storeRoot: store.root }),
      },
    });
    const terminal = vscode.window.createTerminal({
      name: `Runlog: ${path.basename(file)}`,
      pty: runProcess,
      iconPath: new vscode.ThemeIcon('graph-line'),
    });
    const launch: Launch = { id, file, args, terminal, process: runProcess };
    this.launches.set(id, launch);
    runProcess.onDidExit((exit) => {
      this.ctx.log.info(`run ${id}: process ended with ${exit.signal ?? `code ${exit.code}`}`);
      this.endEmitter.fire({ launch, exit });
      void this.updateContextKey();
    });
    terminal.show(true);
    this.launchEmitter.fire(launch);
    this.ctx.log.info(
      `launched run ${id}: ${interpreter.path} -m runlog run -- ${[file, ...args].join(' ')} (cwd ${cwd})`,
    );
    await this.updateContextKey();
    return id;
  }

  /** Whether a launch is still to be seen in the store: its process runs but has not written its run yet. */
  async starting(): Promise<Launch[]> {
    const index = await this.ctx.index();
    return this.launched.filter((l) => !index?.get(l.id) && l.process.exit === undefined);
  }

  /** Terminals of earlier runs of the same file whose process has ended are closed; running ones stay. */
  private closeFinishedTerminals(file: string): void {
    for (const [id, launch] of this.launches) {
      if (launch.file === file && launch.process.exit !== undefined) {
        launch.terminal.dispose();
        this.launches.delete(id);
      }
    }
  }

  /**
   * Stops running runs with SIGTERM (they end as interrupted) and kills what does not stop within 5 s. Only a
   * process this window started, or one proven to be the run's writer (verifyRunProcess), is ever signalled: a pid
   * read from a run document may by now belong to another program.
   */
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
    const launch = this.launches.get(entry.id);
    if (launch?.process.running) return this.stopLaunch(launch);
    if (entry.doc.capture.host && entry.doc.capture.host !== hostname()) {
      throw new UserError(`Run ${entry.doc.name} runs on ${entry.doc.capture.host}; stop it there.`);
    }
    const verified = verifyRunProcess(entry.doc);
    if (verified.ok) return this.stopVerified(entry);
    const pid = entry.doc.capture.pid;
    if (typeof pid === 'number' && !processExists(pid)) {
      await this.ctx
        .requireStore()
        .markInterrupted(entry.id, 'Stopped from the editor; its process was already gone.');
      await (await this.ctx.index())?.refresh([entry.id]);
      return;
    }
    throw new UserError(`Runlog cannot stop run ${entry.doc.name}: ${verified.reason}`);
  }

  /** A process this window started: signalled through the handle it holds, so it is exactly that process. */
  private async stopLaunch(launch: Launch): Promise<void> {
    const ended = new Promise<void>((resolve) => {
      if (!launch.process.running) return resolve();
      const sub = launch.process.onDidExit(() => {
        sub.dispose();
        resolve();
      });
    });
    launch.process.signal('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_GRACE_MS));
    if ((await Promise.race([ended, timer])) !== 'timeout') return;
    launch.process.signal('SIGKILL');
    await ended;
    await this.ctx
      .requireStore()
      .markInterrupted(launch.id, `Stopped from the editor; killed after ${STOP_GRACE_MS / 1000} s.`);
    await (await this.ctx.index())?.refresh([launch.id]);
  }

  /** A process started elsewhere (another window, a terminal): signalled only while verified as the run's writer. */
  private async stopVerified(entry: ReadableRun): Promise<void> {
    if (!signalRunProcess(entry.doc, 'SIGTERM').ok) return;
    const index = await this.ctx.index();
    const deadline = Date.now() + STOP_GRACE_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await index?.refresh([entry.id]);
      if (!isRunning(index?.get(entry.id))) return;
    }
    signalRunProcess(entry.doc, 'SIGKILL');
    await this.ctx
      .requireStore()
      .markInterrupted(entry.id, `Stopped from the editor; killed after ${STOP_GRACE_MS / 1000} s.`);
    await index?.refresh([entry.id]);
  }

  private async updateContextKey(): Promise<void> {
    const index = await this.ctx.index();
    // Active: a run the store says is running, or a launch whose process has not written its run yet.
    const starting = (await this.starting()).length > 0;
    const active = starting || (index?.list().some(isRunning) ?? false);
    await vscode.commands.executeCommand('setContext', 'runlog.runActive', active);
  }
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
