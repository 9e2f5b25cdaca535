import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { LineDiscipline } from '../../core/runs/lineDiscipline';

/** How a tracked process ended: its exit code, or 128 + signal number when a signal ended it (as a shell says). */
export interface ProcessExit {
  code: number;
  signal: NodeJS.Signals | undefined;
}

export interface RunProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGTERM: 15,
};

/**
 * The terminal of a tracked run: a `vscode.Pseudoterminal` that starts the process itself (child_process), so the
 * extension holds the process and can signal exactly it, and so a run that ends with 130/143 (Ctrl-C, Stop) does
 * not make VS Code report "the terminal process terminated with exit code …" as an error.
 *
 * Keystrokes go through a LineDiscipline, as a tty's would: typed characters are echoed and sent to the process's
 * stdin line by line (Backspace edits the line), Ctrl-C sends SIGINT and Ctrl-D ends the input. The
 * process runs in its own process group, and signals go to the group, as a terminal sends them to its foreground
 * job (so worker processes the script started stop too).
 */
export class RunProcessTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  private readonly exitEmitter = new vscode.EventEmitter<ProcessExit>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  /** Fires once, when the process has ended (or could not start). */
  readonly onDidExit = this.exitEmitter.event;

  private child: ChildProcess | undefined;
  private readonly discipline = new LineDiscipline();
  private exitInfo: ProcessExit | undefined;
  private closed = false;

  constructor(private readonly options: RunProcessOptions) {}

  /** How the process ended, or undefined while it has not started or still runs. */
  get exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** Whether the process was started and has not ended. */
  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** The pid of the process while it runs. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  open(): void {
    if (this.child || this.closed) return;
    const { command, args, cwd, env } = this.options;
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      const decoder = new StringDecoder('utf8');
      stream?.on('data', (chunk: Buffer) => this.write(decoder.write(chunk)));
      stream?.on('end', () => this.write(decoder.end()));
    }
    child.stdin?.on('error', () => undefined); // writing to a process that has exited: nothing to do
    child.on('error', (error) => {
      this.write(`\r\n[Runlog] could not start ${command}: ${error.message}\r\n`);
      this.ended({ code: 127, signal: undefined });
    });
    // 'close' comes once the output pipes are drained too; a worker the script left behind may keep them open, so
    // the end is also reported shortly after 'exit'.
    const onEnd = (code: number | null, signal: NodeJS.Signals | null) =>
      this.ended({
        code: code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0),
        signal: signal ?? undefined,
      });
    child.on('close', onEnd);
    child.on('exit', (code, signal) => setTimeout(() => onEnd(code, signal), 1000).unref());
  }

  /** Sends a signal to the process group of the run; false when the process is not running. */
  signal(name: NodeJS.Signals): boolean {
    const pid = this.pid;
    if (!pid) return false;
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      try {
        process.kill(pid, name);
        return true;
      } catch {
        return false;
      }
    }
  }

  handleInput(data: string): void {
    if (this.exitInfo || !this.child) {
      if (this.exitInfo) this.dispose(); // "press any key to close"
      return;
    }
    const actions = this.discipline.handle(data);
    if (actions.echo) this.writeEmitter.fire(actions.echo);
    for (const text of actions.input) this.child.stdin?.write(text);
    if (actions.interrupt) this.signal('SIGINT');
    if (actions.endOfInput) this.child.stdin?.end();
  }

  /** The terminal was closed by the user (or the window): a process still running is stopped, as a shell would. */
  close(): void {
    this.closed = true;
    if (this.running) this.signal('SIGTERM');
  }

  /** Closes the terminal (stopping the process if it still runs). */
  dispose(): void {
    this.close();
    this.closeEmitter.fire();
  }

  private ended(exit: ProcessExit): void {
    if (this.exitInfo) return;
    this.exitInfo = exit;
    const how = exit.signal ? `was stopped (${exit.signal})` : `exited with code ${exit.code}`;
    this.write(`\r\n\x1b[2mThe run's process ${how}. Press any key to close this terminal.\x1b[0m\r\n`);
    this.exitEmitter.fire(exit);
  }

  private write(text: string): void {
    if (text) this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
  }
}
