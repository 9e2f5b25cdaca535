import { newRunId } from '../store/ids';
import { systemProbe } from '../store/liveness';
import type { RunStore } from '../store/runStore';
import { type CellExecutionInput, cellRecordOf } from './cellRecord';
import { NotebookRun, type NotebookRunInfo } from './notebookRun';
import { removePointer, writePointer } from './pointer';

/** A notebook as the tracker needs it; built by the editor from a NotebookDocument. */
export interface TrackedNotebook {
  /** Identity of the open notebook (its URI as a string). */
  key: string;
  /** Absolute file path (what the kernel sees as __vsc_ipynb_file__); undefined for an untitled notebook. */
  path: string | undefined;
  info: NotebookRunInfo;
}

export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface NotebookSessionsOptions {
  log: SessionLog;
  /** How often running notebook runs are heartbeated (the store format asks for at least every 5 s). */
  heartbeatMs?: number;
  /** Delay before executed cells are written (records arriving meanwhile share one write). */
  flushDelayMs?: number;
  isProcessAlive?: (pid: number) => boolean;
  host?: string;
}

interface Session {
  notebook: TrackedNotebook;
  /** The id of the current run, or of the next one (announced in the pointer before it exists). */
  nextId: string;
  run: NotebookRun | undefined;
  /** The run id the pointer file names (undefined: not written yet). */
  announced: string | undefined;
  /** Executions serialized per notebook: events arrive asynchronously. */
  queue: Promise<void>;
  flushTimer: NodeJS.Timeout | undefined;
}

/**
 * One run per kernel session of each tracked notebook (no VS Code here: the editor forwards its notebook events).
 * A session's run starts with its first executed cell and ends when the kernel restarts (an execution order that
 * does not grow), the kernel process the Python client reported exits, the kernel changes, or the notebook closes.
 */
export class NotebookSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly options: Required<NotebookSessionsOptions>;

  constructor(
    private readonly store: RunStore,
    options: NotebookSessionsOptions,
  ) {
    this.options = {
      heartbeatMs: 4000,
      flushDelayMs: 100,
      isProcessAlive: (pid) => systemProbe.isProcessAlive(pid),
      host: systemProbe.host,
      ...options,
    };
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref?.();
  }

  has(key: string): boolean {
    return this.sessions.has(key);
  }

  /** The run of a notebook's current session, if a cell has run in it. */
  currentRun(key: string): NotebookRun | undefined {
    return this.sessions.get(key)?.run;
  }

  /** Starts following a notebook: announces the id its first run will get to the kernel (pointer file). */
  open(notebook: TrackedNotebook): Promise<void> {
    const existing = this.sessions.get(notebook.key);
    if (existing) {
      existing.notebook = notebook;
      return existing.queue;
    }
    const session: Session = {
      notebook,
      nextId: newRunId(),
      run: undefined,
      announced: undefined,
      queue: Promise.resolve(),
      flushTimer: undefined,
    };
    this.sessions.set(notebook.key, session);
    return this.enqueue(session, () => this.announce(session));
  }

  /** A cell started executing (its order, when the kernel gave one already). */
  cellStarted(key: string, order: number | undefined): Promise<void> {
    const session = this.sessions.get(key);
    if (!session) return Promise.resolve();
    return this.enqueue(session, async () => {
      await this.rotateIfNewSession(session, order);
      const run = await this.ensureRun(session);
      run.noteOrder(order);
    });
  }

  /** A cell finished executing: one record in the session's run. */
  cellEnded(key: string, execution: CellExecutionInput): Promise<void> {
    const session = this.sessions.get(key);
    if (!session) return Promise.resolve();
    return this.enqueue(session, async () => {
      await this.rotateIfNewSession(session, execution.order);
      const run = await this.ensureRun(session);
      run.record(cellRecordOf(execution));
      this.scheduleFlush(session);
    });
  }

  /** Ends the notebook's current run (kernel changed or restarted); the next execution starts a new one. */
  endSession(key: string, reason: string): Promise<void> {
    const session = this.sessions.get(key);
    if (!session) return Promise.resolve();
    return this.enqueue(session, () => this.endRun(session, reason));
  }

  /** Stops following a notebook (closed, or no longer tracked): ends its run and withdraws its pointer. */
  close(key: string, reason: string): Promise<void> {
    const session = this.sessions.get(key);
    if (!session) return Promise.resolve();
    this.sessions.delete(key);
    return this.enqueue(session, async () => {
      await this.endRun(session, reason, false);
      if (session.notebook.path) await removePointer(this.store.root, session.notebook.path);
    });
  }

  /** Waits until every event received so far is written. */
  async idle(): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map(async (session) => {
        await session.queue;
        if (session.run) {
          this.clearFlush(session);
          await session.run.flush().catch((error: unknown) => this.warn(session, error));
        }
      }),
    );
  }

  /** Ends every session (the editor is closing its window). */
  async dispose(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.all([...this.sessions.keys()].map((key) => this.close(key, 'the editor window closed')));
  }

  private enqueue(session: Session, work: () => Promise<void>): Promise<void> {
    session.queue = session.queue.then(work).catch((error: unknown) => this.warn(session, error));
    return session.queue;
  }

  private warn(session: Session, error: unknown): void {
    this.options.log.warn(
      `notebook ${session.notebook.info.notebook}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /**
   * Tells the kernel which run is next (pointer file). Opening a notebook does not create a store in a workspace
   * that has none: then the pointer is written with the first executed cell (`create`).
   */
  private async announce(session: Session, create = false): Promise<void> {
    if (!session.notebook.path || session.announced === session.nextId) return;
    if (!this.store.exists()) {
      if (!create) return;
      await this.store.ensureCreated();
    }
    await writePointer(this.store.root, session.notebook.path, session.nextId);
    session.announced = session.nextId;
  }

  private async ensureRun(session: Session): Promise<NotebookRun> {
    if (session.run?.ended) {
      // Ended behind our back (Stop Run in the editor): the next execution belongs to a new run.
      session.run = undefined;
      session.nextId = newRunId();
      await this.announce(session);
    }
    if (!session.run) {
      await this.announce(session, true);
      session.run = await NotebookRun.create(this.store, session.nextId, session.notebook.info);
      this.options.log.info(`notebook ${session.notebook.info.notebook}: run ${session.run.id} started`);
    }
    return session.run;
  }

  /** A Jupyter kernel counts executions from 1 again after a restart: an order that does not grow is a new session. */
  private async rotateIfNewSession(session: Session, order: number | undefined): Promise<void> {
    const run = session.run;
    if (!run?.startsNewSession(order)) return;
    await this.endRun(session, `the kernel restarted (execution count ${order} after ${run.highestOrder})`);
  }

  private async endRun(session: Session, reason: string, announceNext = true): Promise<void> {
    this.clearFlush(session);
    const run = session.run;
    if (!run) return;
    session.run = undefined;
    session.nextId = newRunId();
    try {
      await run.end();
      this.options.log.info(
        `notebook ${session.notebook.info.notebook}: run ${run.id} ${run.ended ?? 'ended'}: ${reason}`,
      );
    } finally {
      if (announceNext) await this.announce(session);
    }
  }

  private scheduleFlush(session: Session): void {
    if (session.flushTimer) return;
    session.flushTimer = setTimeout(() => {
      session.flushTimer = undefined;
      const run = session.run;
      if (run) void run.flush().catch((error: unknown) => this.warn(session, error));
    }, this.options.flushDelayMs);
  }

  private clearFlush(session: Session): void {
    if (session.flushTimer) clearTimeout(session.flushTimer);
    session.flushTimer = undefined;
  }

  /** Heartbeat of every live notebook run; a run whose kernel process (reported by the client) exited ends. */
  private async beat(): Promise<void> {
    for (const session of this.sessions.values()) {
      const run = session.run;
      if (!run) continue;
      await this.enqueue(session, async () => {
        if (session.run !== run) return;
        await run.flush();
        const kernel = run.kernelProcess;
        if (kernel && kernel.host === this.options.host && !this.options.isProcessAlive(kernel.pid)) {
          await this.endRun(session, `its kernel process ${kernel.pid} exited`);
        }
      });
    }
  }

  /** For tests: one heartbeat now. */
  beatNow(): Promise<void> {
    return this.beat();
  }
}
