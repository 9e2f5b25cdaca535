import { watch, type FSWatcher } from 'chokidar';
import { existsSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { Coalescer } from '../util/coalescer';
import { Emitter, type Disposable } from '../util/emitter';
import { withLiveness } from './liveness';
import type { RunStore } from './runStore';
import type { RunEntry } from './types';

export interface RunIndexOptions {
  /** Follow the store on disk and fire onDidChange (the extension); off for one-shot readers (the CLI). */
  watch?: boolean;
  /** Delay that merges bursts of file events into one refresh. */
  debounceMs?: number;
  /** How often running runs are checked for a dead process. */
  livenessIntervalMs?: number;
  /**
   * Record in run.json that a dead `running` run crashed. Only the extension, which supervises runs, turns this on;
   * every other reader shows the crash in memory and changes no file (docs/store-format.md, "Reading never writes").
   */
  persistCrashes?: boolean;
  onError?: (error: unknown) => void;
}

interface Cached {
  entry: RunEntry;
  stamp: string | undefined;
}

/**
 * The in-memory index of run summaries the views read from. Loads every run document once, then re-reads only
 * the runs whose files change: the store folder is watched for new and removed runs, and each running run's folder
 * for its writes. Metric files are never read here: run.json carries the summaries.
 */
export class RunIndex implements Disposable {
  private readonly cache = new Map<string, Cached>();
  private sorted: RunEntry[] | undefined;
  private readonly changed = new Emitter<string[]>();
  private readonly refresher: Coalescer<string>;
  private storeWatcher: FSWatcher | undefined;
  private readonly runWatchers = new Map<string, FSWatcher>();
  private livenessTimer: NodeJS.Timeout | undefined;
  private storePoll: NodeJS.Timeout | undefined;
  private loaded: Promise<void> | undefined;
  private disposed = false;
  /** Runs whose crash is being recorded (or could not be), so a slow lock does not start a second write. */
  private readonly persisting = new Set<string>();

  /** Fires with the ids of runs that were added, changed or removed. */
  readonly onDidChange = this.changed.event;

  private readonly wrote = new Emitter<string[]>();
  private readonly writeNotifier = new Coalescer<string>((ids) => Promise.resolve(this.wrote.fire(ids)), 30);
  /** Fires with the ids of running runs whose files (metrics, output…) were written; run.json may be unchanged. */
  readonly onDidWriteFiles = this.wrote.event;

  constructor(
    readonly store: RunStore,
    private readonly options: RunIndexOptions = {},
  ) {
    this.refresher = new Coalescer((ids) => this.refreshIds(ids), options.debounceMs ?? 30, options.onError);
  }

  /** Loads the index once (later calls wait for the same load). */
  load(): Promise<void> {
    this.loaded ??= this.loadAll();
    return this.loaded;
  }

  /** Every run, newest first. Sorted once per change of the index, not per call (views ask often). */
  list(): readonly RunEntry[] {
    this.sorted ??= [...this.cache.values()]
      .map((cached) => cached.entry)
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    return this.sorted;
  }

  private put(id: string, cached: Cached): void {
    this.cache.set(id, cached);
    this.sorted = undefined;
  }

  private remove(id: string): boolean {
    this.sorted = undefined;
    return this.cache.delete(id);
  }

  get(id: string): RunEntry | undefined {
    return this.cache.get(id)?.entry;
  }

  /** Re-checks the given runs (all when none are given) and resolves once the index reflects the disk. */
  async refresh(ids?: string[]): Promise<void> {
    await this.load();
    this.refresher.request(...(ids ?? (await this.allIdsOnDiskAndCached())));
    await this.refresher.idle();
  }

  private async allIdsOnDiskAndCached(): Promise<string[]> {
    return [...new Set([...(await this.store.listIds()), ...this.cache.keys()])];
  }

  private async loadAll(): Promise<void> {
    const ids = await this.store.listIds();
    await inBatches(ids, (id) => {
      const stamp = this.store.documentStamp(id);
      this.put(id, { entry: this.store.readEntry(id), stamp });
    });
    if (this.options.watch) await this.startWatching();
    this.checkLiveness();
  }

  private async refreshIds(ids: string[]): Promise<void> {
    const changed: string[] = [];
    await inBatches(ids, (id) => {
      const cached = this.cache.get(id);
      const stamp = this.store.documentStamp(id);
      if (stamp === undefined && !existsSync(this.store.layout.runDir(id))) {
        if (this.remove(id)) changed.push(id);
        return;
      }
      if (cached && stamp !== undefined && cached.stamp === stamp) return;
      const entry = this.store.readEntry(id);
      if (entry.kind === 'unreadable' && entry.reason === 'not a run folder') return; // a stray file
      this.put(id, { entry, stamp });
      changed.push(id);
    });
    if (changed.length === 0 || this.disposed) return;
    this.updateRunWatchers();
    this.changed.fire(changed);
    this.checkLiveness();
  }

  /** Starts following the store; resolves once the watcher sees the folder (so no write after load is missed). */
  private async startWatching(): Promise<void> {
    const runsDir = this.store.layout.runsDir;
    if (!this.store.exists()) {
      // No store yet: a run started from any terminal may create it. Look for it now and then, cheaply.
      this.storePoll = setInterval(() => {
        if (this.store.exists()) {
          clearInterval(this.storePoll);
          this.storePoll = undefined;
          void this.startWatching().then(() => this.refresh());
        }
      }, 1000);
      this.storePoll.unref();
      return;
    }
    this.storeWatcher = watch(runsDir, { depth: 0, ignoreInitial: true, atomic: false });
    this.storeWatcher.on('all', (_event, path) => {
      const id = runIdOf(runsDir, path);
      if (id) this.refresher.request(id);
    });
    this.storeWatcher.on('error', (error) => this.options.onError?.(error));
    const watcher = this.storeWatcher;
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.updateRunWatchers();
  }

  /**
   * Watches the folders where writes happen: running runs, and unreadable ones (a run folder whose run.json is not
   * written yet). Stops watching runs that have ended.
   */
  private updateRunWatchers(): void {
    if (!this.storeWatcher) return;
    const running = new Set(
      this.list()
        // A run shown crashed only in memory is still followed: a stalled writer may come back.
        .filter(
          (entry) =>
            entry.kind === 'unreadable' || entry.doc.status === 'running' || entry.crash !== undefined,
        )
        .map((entry) => entry.id),
    );
    for (const [id, watcher] of this.runWatchers) {
      if (!running.has(id)) {
        void watcher.close();
        this.runWatchers.delete(id);
      }
    }
    for (const id of running) {
      if (this.runWatchers.has(id)) continue;
      const watcher = watch(this.store.layout.runDir(id), { depth: 0, ignoreInitial: true, atomic: false });
      watcher.on('all', () => {
        this.refresher.request(id);
        this.writeNotifier.request(id);
      });
      // Writes made before the watcher was ready would be missed: look once more when it is.
      watcher.on('ready', () => this.refresher.request(id));
      watcher.on('error', (error) => this.options.onError?.(error));
      this.runWatchers.set(id, watcher);
    }
  }

  /**
   * Applies the liveness rule again to runs shown running (time passes without any file changing), and, when
   * `persistCrashes` is on, records crashes in the background: listing never waits for a lock. Re-checks on a
   * timer while any run is running.
   */
  private checkLiveness(): void {
    let anyRunning = false;
    const crashed: string[] = [];
    for (const [id, cached] of this.cache) {
      const { entry } = cached;
      if (entry.kind !== 'run') continue;
      if (entry.doc.status === 'running') {
        const seen = withLiveness(entry.doc, this.store.probe);
        if (!seen.crash) {
          anyRunning = true;
          continue;
        }
        this.put(id, { ...cached, entry: { ...entry, doc: seen.doc, crash: seen.crash } });
        crashed.push(id);
      }
      const current = this.cache.get(id)?.entry;
      if (current?.kind === 'run' && current.crash) this.persistCrash(id, current.crash);
    }
    if (crashed.length > 0) this.changed.fire(crashed);
    if (anyRunning && this.options.watch && !this.livenessTimer && !this.disposed) {
      this.livenessTimer = setInterval(() => this.checkLiveness(), this.options.livenessIntervalMs ?? 2000);
      this.livenessTimer.unref();
    } else if (!anyRunning && this.livenessTimer) {
      clearInterval(this.livenessTimer);
      this.livenessTimer = undefined;
    }
  }

  private persistCrash(id: string, reason: string): void {
    if (!this.options.persistCrashes || this.persisting.has(id) || this.disposed) return;
    this.persisting.add(id);
    this.store.markCrashed(id, reason).then(
      () => {
        this.persisting.delete(id);
        // The rewrite changes run.json's stamp: the run's watcher (or this refresh) re-reads it, once.
        if (!this.runWatchers.has(id)) this.refresher.request(id);
      },
      // A read-only store or a busy lock: the run is still shown crashed; not retried until the index is reopened.
      (error: unknown) => this.options.onError?.(error),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.refresher.dispose();
    this.writeNotifier.dispose();
    this.changed.dispose();
    this.wrote.dispose();
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    if (this.storePoll) clearInterval(this.storePoll);
    void this.storeWatcher?.close();
    for (const watcher of this.runWatchers.values()) void watcher.close();
    this.runWatchers.clear();
  }
}

function runIdOf(runsDir: string, path: string): string | undefined {
  const rel = relative(runsDir, path);
  if (rel === '' || rel.startsWith('..')) return undefined;
  const first = rel.split(sep)[0];
  return first.startsWith('.') ? undefined : first; // dot entries (temporary folders, .gitignore) are not runs
}

/**
 * Runs synchronous work over many items in batches, yielding to the event loop between batches so the extension
 * host stays responsive while thousands of small files are read.
 */
async function inBatches<T>(items: T[], work: (item: T) => void, batchSize = 500): Promise<void> {
  for (let start = 0; start < items.length; start += batchSize) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const item of items.slice(start, start + batchSize)) work(item);
  }
}
