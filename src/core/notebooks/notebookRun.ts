import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { updateRunDocument } from '../store/runDocument';
import type { RunStore } from '../store/runStore';
import type { RunDocument, RunStatus } from '../store/types';
import type { CellRecord } from './cellRecord';
import { appendCellRecords } from './cells';

/** What a notebook run says about its notebook and kernel (run.json `capture`, docs/store-format.md). */
export interface NotebookRunInfo {
  /** Workspace-relative path (or the absolute path / untitled name of a notebook outside the workspace). */
  notebook: string;
  /** The notebook's folder, the kernel's working folder. */
  cwd?: string;
  /** Run name; default: the notebook's file name and the session's start time. */
  name?: string;
  experiment: string;
  kernel?: { label?: string; language?: string };
}

/** Cells executed and failed so far: run.json `capture.notebookCells`, what the Runs view shows at a glance. */
export interface NotebookCellCounts {
  executed: number;
  failed: number;
  lastFailed: boolean;
}

/**
 * The run of one kernel session of one notebook. The editor owns it (a notebook is not one process): it creates
 * the run document, appends a line to cells.jsonl per executed cell, keeps run.json's heartbeat fresh while the
 * session lives and ends the run when the session ends. The Python client in the kernel may attach and log
 * params and metrics into the same run (it writes under the same lock protocol).
 *
 * `capture.pid` is deliberately absent: the editor's process is not the run's to stop; a notebook run whose editor
 * died is crashed by the heartbeat rule.
 */
export class NotebookRun {
  private pending: CellRecord[] = [];
  private counts: NotebookCellCounts = { executed: 0, failed: 0, lastFailed: false };
  private lastError: { name: string; message: string } | undefined;
  private startedOrder = 0;
  private endedOrder = 0;
  private writing: Promise<void> = Promise.resolve();
  private endedAs: RunStatus | undefined;
  private kernel: { pid: number; host: string } | undefined;

  private constructor(
    private readonly store: RunStore,
    readonly id: string,
    readonly startedAt: number,
  ) {}

  get dir(): string {
    return this.store.layout.runDir(this.id);
  }

  /**
   * Whether an execution with this order belongs to a new kernel session: a Jupyter kernel counts from 1 again
   * after a restart, so an order below one already seen, or equal to one that already ended, is not this session's.
   * (The order seen when a cell starts is seen again when it ends.)
   */
  startsNewSession(order: number | undefined): boolean {
    if (order === undefined) return false;
    return (
      order < Math.max(this.startedOrder, this.endedOrder) ||
      (this.endedOrder > 0 && order === this.endedOrder)
    );
  }

  get highestOrder(): number {
    return Math.max(this.startedOrder, this.endedOrder);
  }

  get cellCounts(): NotebookCellCounts {
    return { ...this.counts };
  }

  /** The kernel process, once the Python client in it has attached to the run (run.json `capture.kernel`). */
  get kernelProcess(): { pid: number; host: string } | undefined {
    return this.kernel;
  }

  /** Set once the run has ended (by this session, or by someone else: Stop Run, a crash mark). */
  get ended(): RunStatus | undefined {
    return this.endedAs;
  }

  static async create(
    store: RunStore,
    id: string,
    info: NotebookRunInfo,
    now = Date.now(),
  ): Promise<NotebookRun> {
    const start = new Date(now).toISOString();
    const doc: RunDocument = {
      schema: 1,
      id,
      name: info.name ?? `${info.experiment} ${start.slice(11, 19)}`,
      experiment: info.experiment,
      status: 'running',
      startTime: start,
      endTime: null,
      heartbeatAt: start,
      params: {},
      tags: {},
      metrics: {},
      capture: {
        source: 'notebook',
        notebook: info.notebook,
        cwd: info.cwd,
        host: hostname(),
        user: safeUser(),
        platform: `${process.platform}-${process.arch}`,
        kernel: info.kernel ?? {},
        notebookCells: { executed: 0, failed: 0, lastFailed: false },
      },
      datasets: [],
      artifacts: [],
      error: null,
    };
    const dir = store.layout.runDir(id);
    await mkdir(dir, { recursive: true });
    const file = store.layout.runDocument(id);
    await writeFile(`${file}.${process.pid}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
    await rename(`${file}.${process.pid}.tmp`, file);
    return new NotebookRun(store, id, now);
  }

  /**
   * Takes one executed cell: counted at once, written with the next flush (one append for all pending records and
   * one run.json update), so the per-cell cost in the editor stays small.
   */
  record(record: CellRecord): void {
    if (record.order !== null) this.endedOrder = Math.max(this.endedOrder, record.order);
    this.pending.push(record);
    this.counts.executed++;
    const failed = record.success === false;
    if (failed) {
      this.counts.failed++;
      this.lastError = record.outputs.error ?? {
        name: 'CellFailed',
        message: `Cell ${record.index + 1} failed`,
      };
    }
    this.counts.lastFailed = failed;
  }

  /** Notes an execution order seen when a cell started (before its record exists). */
  noteOrder(order: number | undefined): void {
    if (order !== undefined) this.startedOrder = Math.max(this.startedOrder, order);
  }

  /** Writes pending cell records and refreshes run.json (heartbeat, cell counts). Serialized: never two at once. */
  flush(): Promise<void> {
    this.writing = this.writing.catch(() => undefined).then(() => this.write(undefined));
    return this.writing;
  }

  /** Ends the run: finished, or failed when its last cell failed (unless `status` says otherwise). */
  end(status?: 'finished' | 'failed' | 'interrupted', now = Date.now()): Promise<void> {
    const final = status ?? (this.counts.lastFailed ? 'failed' : 'finished');
    this.writing = this.writing.catch(() => undefined).then(() => this.write({ status: final, now }));
    return this.writing;
  }

  private async write(ending: { status: RunStatus; now: number } | undefined): Promise<void> {
    if (this.endedAs && !ending) return;
    if (!existsSync(this.dir)) {
      // Deleted from the editor (moved to the trash) while the notebook runs: never bring it back.
      this.pending = [];
      this.endedAs ??= 'interrupted';
      return;
    }
    const records = this.pending;
    this.pending = [];
    try {
      await appendCellRecords(this.dir, records);
    } catch (error) {
      this.pending = records.concat(this.pending); // keep them for the next attempt
      throw error;
    }
    const counts = { ...this.counts };
    const lastError = this.lastError;
    const doc = await updateRunDocument(this.store.layout.runDocument(this.id), this.id, (doc) => {
      const capture = (doc.capture ??= {}) as Record<string, unknown>;
      capture.notebookCells = counts;
      if (ending) {
        if (doc.status !== 'running' && doc.status !== 'crashed') return; // ended by someone else meanwhile
        const end = new Date(ending.now);
        doc.status = ending.status;
        doc.endTime = end.toISOString();
        doc.heartbeatAt = end.toISOString();
        capture.durationSec = Math.round(ending.now - this.startedAt) / 1000;
        if (ending.status === 'failed' && lastError)
          doc.error = { type: lastError.name, message: lastError.message };
        return;
      }
      if (doc.status === 'crashed') doc.status = 'running'; // a reader took a stall for a crash: we are alive
      if (doc.status === 'running') doc.heartbeatAt = new Date().toISOString();
    });
    if (ending || doc.status !== 'running') this.endedAs = doc.status;
    const kernel = doc.capture.kernel as { pid?: unknown; host?: unknown } | undefined;
    this.kernel =
      typeof kernel?.pid === 'number' && typeof kernel.host === 'string'
        ? { pid: kernel.pid, host: kernel.host }
        : undefined;
  }

  /** Resolves when every write asked for so far is done (rejected writes are reported by the caller's flush). */
  async idle(): Promise<void> {
    await this.writing.catch(() => undefined);
  }
}

function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
