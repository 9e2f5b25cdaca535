import { watch, type FSWatcher } from 'chokidar';
import { existsSync, watch as watchFolder, type FSWatcher as FolderWatcher } from 'node:fs';
import { join, relative, sep } from 'node:path';
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
  /**
   * How many of the newest runs loadNewest() waits for (default: all). The rest load right after and are announced
   * with onDidChange, so a view of a large store shows its newest runs without waiting for the oldest.
   */
  firstPage?: number;
  /**
   * How long after the first page the rest starts loading (default: at once). On a small machine, reading 9,000
   * older runs competes with drawing the newest ones; the extension lets the view draw first (docs/compare.md).
   */
  restDelayMs?: number;
}

interface Cached {
  entry: RunEntry;
  stamp: string | undefined;
}

/**
 * The in-memory index of run summaries the views read from. Loads every run document once, then re-reads only
 * the runs whose files change: the store folder is watched for new and removed runs (one shallow OS watch of the
 * runs folder, whatever the number of runs), and each running run's folder for its writes. Metric files are never
 * read here: run.json carries the summaries. Loading never waits for a watcher: views show the runs as soon as
 * they are read, and what was written meanwhile is looked at when each watcher is ready.
 */
export class RunIndex implements Disposable {
  private readonly cache = new Map<string, Cached>();
  private sorted: RunEntry[] | undefined;
  private readonly changed = new Emitter<string[]>();
  private readonly refresher: Coalescer<string>;
  private storeWatcher: FolderWatcher | undefined;
  private watchFailed = false;
  /** Settles once every followed run's watcher is ready (see watching()). */
  private runWatchersReady: Promise<void> = Promise.resolve();
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
  /** Per followed run: a stamp of its other files (metrics, output…), to tell a real write from a repeated event. */
  private readonly fileStamps = new Map<string, string>();
  /** Per followed run: a look once more after a burst of events (see followRun). */
  private readonly trailing = new Map<string, NodeJS.Timeout>();
  /**
   * Fires with the ids of running runs whose files (metrics, output…) were written while run.json stayed the same.
   * One flush of a writer gives ONE event per run: onDidChange when run.json changed too (listeners of onDidChange
   * re-read the run's files as well), else onDidWriteFiles.
   */
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

  /**
   * Starts the load and resolves once the newest `firstPage` runs are in (or the whole load ended, or failed):
   * what a view needs to show something. Everything else should wait for load().
   */
  async loadNewest(): Promise<void> {
    const all = this.load();
    await Promise.race([all, this.newestLoaded.promise]);
  }

  private readonly newestLoaded = deferred();

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

  /**
   * Resolves once the index is loaded and every followed run's watcher is ready. Views never wait for this (a
   * write made before a watcher is ready is caught by the look it takes when ready); tests and benchmarks may.
   */
  async watching(): Promise<void> {
    await this.load();
    await this.runWatchersReady;
  }

  private async loadAll(): Promise<void> {
    // The store watch starts before the listing, so a run added while thousands are read is not missed.
    if (this.options.watch) this.watchStore();
    // listIds() is newest first (ids start with their start time): a large store shows its recent runs first.
    const ids = await this.store.listIds();
    const first = this.options.firstPage ?? ids.length;
    const read = (id: string) => {
      const stamp = this.store.documentStamp(id);
      this.put(id, { entry: this.store.readEntry(id), stamp });
    };
    await inBatches(ids.slice(0, first), read);
    if (first < ids.length) {
      this.newestLoaded.resolve();
      // let the view render them before reading on
      const delay = this.options.restDelayMs ?? 0;
      await new Promise((resolve) => (delay > 0 ? setTimeout(resolve, delay) : setImmediate(resolve)));
      if (this.disposed) return;
      const rest = ids.slice(first);
      await inBatches(rest, read);
      // Whoever showed the newest runs learns of the others; a run changed meanwhile is re-read by its event.
      if (!this.disposed) this.changed.fire(rest.filter((id) => this.cache.has(id)));
    }
    this.checkLiveness();
    // Not awaited: the first render never waits for a watcher to be ready.
    if (this.options.watch) void this.updateRunWatchers();
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
    const wroteOnly = ids.filter(
      (id) => this.filesChanged(id) && !changed.includes(id) && this.cache.has(id),
    );
    if (this.disposed) return;
    if (changed.length > 0) {
      void this.updateRunWatchers();
      this.changed.fire(changed);
      this.checkLiveness();
    }
    if (wroteOnly.length > 0) this.wrote.fire(wroteOnly);
  }

  /** Whether a followed run's files changed since the last look (and remembers what they are now). */
  private filesChanged(id: string): boolean {
    if (!this.runWatchers.has(id)) return false;
    const stamp = this.store.filesStamp(id);
    const before = this.fileStamps.get(id);
    this.fileStamps.set(id, stamp);
    return before !== undefined && before !== stamp;
  }

  /**
   * Follows the runs folder for run folders added, removed or moved (to the trash and back). One shallow OS watch:
   * its cost does not grow with the number of runs, and it is ready when this returns. Changes inside a run folder
   * are not reported here; running runs have their own watchers (updateRunWatchers).
   */
  private watchStore(): boolean {
    const runsDir = this.store.layout.runsDir;
    if (this.disposed) return false;
    if (this.storeWatcher) return true;
    if (!this.store.exists()) {
      this.pollForStore();
      return false;
    }
    try {
      const watcher = watchFolder(runsDir, { persistent: false }, (_event, name) => {
        if (!this.store.exists()) return this.storeGone();
        const id = name ? runIdOf(runsDir, join(runsDir, name.toString())) : undefined;
        if (id) this.refresher.request(id);
        else if (!name) void this.refresh(); // the platform did not say which entry changed: look at all
      });
      watcher.on('error', (error) => {
        this.reportWatchFailure(error);
        this.storeGone();
      });
      this.storeWatcher = watcher;
      this.watchFailed = false;
      return true;
    } catch (error) {
      // E.g. no inotify watch left (ENOSPC): look at the listing now and then instead, until a watch works.
      this.reportWatchFailure(error);
      this.pollForStore();
      return false;
    }
  }

  /** Reported once per failure streak: a watch retried every second must not fill the log. */
  private reportWatchFailure(error: unknown): void {
    if (!this.watchFailed) this.options.onError?.(error);
    this.watchFailed = true;
  }

  /**
   * No store folder (yet), or no watch of it: a run started from any terminal may create it. Look now and then,
   * cheaply (one listing), until a watch can be set up.
   */
  private pollForStore(): void {
    if (this.storePoll || this.disposed) return;
    this.storePoll = setInterval(() => {
      if (!this.store.exists()) return;
      if (this.watchStore()) {
        clearInterval(this.storePoll);
        this.storePoll = undefined;
      }
      void this.refreshListing();
    }, 1000);
    this.storePoll.unref();
  }

  /** Runs added or removed since the last look, by listing the runs folder (no run.json is looked at). */
  private async refreshListing(): Promise<void> {
    await this.load();
    const onDisk = new Set(await this.store.listIds());
    const ids = [...onDisk].filter((id) => !this.cache.has(id));
    for (const id of this.cache.keys()) if (!onDisk.has(id)) ids.push(id);
    if (ids.length > 0) this.refresher.request(...ids);
  }

  /** The runs folder was removed (or its watch failed): drop what it held and wait for it to come back. */
  private storeGone(): void {
    this.storeWatcher?.close();
    this.storeWatcher = undefined;
    if (this.disposed) return;
    void this.refreshListing();
    this.pollForStore();
  }

  /**
   * Watches the folders where writes happen: running runs, and unreadable ones (a run folder whose run.json is not
   * written yet). Stops watching runs that have ended.
   */
  private updateRunWatchers(): Promise<void> {
    if (!this.options.watch || this.disposed) return Promise.resolve();
    const ready: Promise<void>[] = [];
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
        this.fileStamps.delete(id);
        clearTimeout(this.trailing.get(id));
        this.trailing.delete(id);
      }
    }
    for (const id of running) {
      if (this.runWatchers.has(id)) continue;
      const watcher = watch(this.store.layout.runDir(id), { depth: 0, ignoreInitial: true, atomic: false });
      // chokidar drops a change of the same file within 50 ms of the previous one (no trailing event), so a burst
      // is followed by one more look once it is over; the stamps make that look free when nothing is new.
      watcher.on('all', () => {
        this.refresher.request(id);
        clearTimeout(this.trailing.get(id));
        this.trailing.set(
          id,
          setTimeout(() => this.refresher.request(id), TRAILING_LOOK_MS),
        );
      });
      // Writes made before the watcher is ready would be missed: the stamp taken now and one look when it is ready
      // catch them (the stamps make that look free when nothing was written).
      this.fileStamps.set(id, this.store.filesStamp(id));
      ready.push(
        new Promise<void>((resolve) => watcher.once('ready', () => resolve())).then(() => {
          if (this.runWatchers.get(id) === watcher) this.refresher.request(id);
        }),
      );
      watcher.on('error', (error) => this.options.onError?.(error));
      this.runWatchers.set(id, watcher);
    }
    const settled = Promise.all(ready).then(() => undefined);
    this.runWatchersReady = Promise.all([this.runWatchersReady, settled]).then(() => undefined);
    return settled;
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
    this.changed.dispose();
    this.wrote.dispose();
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    if (this.storePoll) clearInterval(this.storePoll);
    this.storeWatcher?.close();
    for (const watcher of this.runWatchers.values()) void watcher.close();
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.runWatchers.clear();
  }
}

/** Longer than chokidar's 50 ms throttle of repeated changes to one file. */
const TRAILING_LOOK_MS = 80;

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
async function inBatches<T>(items: T[], work: (item: T) => void, batchSize = 100): Promise<void> {
  for (let start = 0; start < items.length; start += batchSize) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const item of items.slice(start, start + batchSize)) work(item);
  }
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
