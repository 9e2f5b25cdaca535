import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { resolveInside } from './containment';
import { StoreLayout } from './layout';
import { crashFields, systemProbe, withLiveness, type LivenessProbe } from './liveness';
import { isSignallablePid } from './processIdentity';
import { dict, isPlainObject } from './normalize';
import {
  readRunText,
  setOwn,
  UnreadableRunError,
  updateRunDocument,
  type StoredRunDocument,
} from './runDocument';
import type { RunDocument, RunEntry } from './types';

/** The temporaries the Python client writes beside run.json and its lock (`<file>.<pid>.<hex>.tmp`). */
const DEAD_WRITER_TEMP = /^run\.json(?:\.lock)?\.(\d{1,10})\.[0-9a-f]{1,16}\.tmp$/;

export interface RunStoreOptions {
  /** The liveness rule's view of the machine (tests use a fake clock and process table). */
  probe?: LivenessProbe;
  /** How long an edit waits for another writer's lock (default 3 s); an orphaned lock is broken without waiting. */
  lockTimeoutMs?: number;
}

/** The store on disk: finds runs, reads them, and makes the few edits the editor is allowed (rename, tag, crash,
 *  trash). Writing a run's data is the Python client's job (docs/store-format.md). */
export class RunStore {
  readonly layout: StoreLayout;

  readonly probe: LivenessProbe;
  private readonly lockTimeoutMs: number;

  constructor(root: string, options: RunStoreOptions = {}) {
    this.layout = new StoreLayout(root);
    this.probe = options.probe ?? systemProbe;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 3000;
  }

  get root(): string {
    return this.layout.root;
  }

  exists(): boolean {
    return existsSync(this.layout.runsDir);
  }

  /** Creates the store folder (with a .gitignore so runs stay out of commits) if it is missing. */
  async ensureCreated(): Promise<void> {
    try {
      await mkdir(this.layout.runsDir, { recursive: true });
      const gitignore = `${this.root}/.gitignore`;
      if (!existsSync(gitignore)) await writeFile(gitignore, '*\n');
    } catch (error) {
      throw new Error(
        `Runlog cannot create its store at ${this.root}: ${(error as Error).message}. ` +
          'Choose a writable folder in the setting runlog.storePath.',
      );
    }
  }

  /**
   * Names of the run folders, newest first (ids sort by start time). Stray files (a README.txt) and dot entries
   * are not runs; symbolic links are listed, and readEntry refuses those that lead out of the store.
   */
  async listIds(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.layout.runsDir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw error;
    }
    return entries
      .filter((entry) => !entry.name.startsWith('.') && (entry.isDirectory() || entry.isSymbolicLink()))
      .map((entry) => entry.name)
      .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  /**
   * Reads one run: normalized (normalize.ts), with the liveness rule applied in memory; never writes. Synchronous
   * on purpose: a run document is a few KB, and per-file async I/O costs several times the read itself when
   * listing thousands of runs (docs/benchmarks.md); the index reads in batches and yields.
   */
  readEntry(id: string): RunEntry {
    const dir = this.layout.runDir(id);
    try {
      const { doc, problems } = readRunText(this.readDocumentText(id), id);
      const seen = withLiveness(doc, this.probe);
      return {
        kind: 'run',
        id,
        dir,
        doc: seen.doc,
        ...(problems.length > 0 ? { problems } : {}),
        ...(seen.crash ? { crash: seen.crash } : {}),
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        error instanceof UnreadableRunError
          ? error.message
          : code === 'ENOENT'
            ? 'run.json is missing'
            : code === 'ENOTDIR'
              ? 'not a run folder'
              : `run.json cannot be read: ${(error as Error).message}`;
      return { kind: 'unreadable', id, dir, reason };
    }
  }

  /**
   * run.json's text, refusing anything that resolves outside the store. The common case costs one lstat of the
   * folder and an open that does not follow a link; only links are resolved in full.
   */
  private readDocumentText(id: string): string {
    if (lstatSync(this.layout.runDir(id)).isSymbolicLink()) this.requireRunFolderInside(id);
    let fd: number;
    try {
      fd = openSync(this.layout.runDocument(id), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
      const real = resolveInside(this.layout.runDir(id), 'run.json', 'run.json');
      if (!real.ok) throw new UnreadableRunError(real.reason);
      fd = openSync(real.path, constants.O_RDONLY);
    }
    try {
      if (!fstatSync(fd).isFile()) throw new UnreadableRunError('run.json is not a file');
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  }

  /** The run folder's real path; throws when it is a link that leaves runs/. */
  private requireRunFolderInside(id: string): string {
    const resolved = resolveInside(this.layout.runsDir, id, 'run folder');
    if (!resolved.ok) throw new UnreadableRunError(resolved.reason);
    return resolved.path;
  }

  /** Modification stamp of a run document, to tell whether a cached read is still current. */
  documentStamp(id: string): string | undefined {
    const info = statSync(this.layout.runDocument(id), { throwIfNoEntry: false });
    return info ? `${info.mtimeMs}:${info.size}:${info.ino}` : undefined;
  }

  /**
   * Size and modification time of every file of a run folder except run.json (metrics, output, cells…): tells
   * whether a running run wrote something since the last look, whatever its watcher reported.
   */
  filesStamp(id: string): string {
    const dir = this.layout.runDir(id);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return '';
    }
    return names
      .filter((name) => !name.startsWith('.') && !name.startsWith('run.json'))
      .sort()
      .map((name) => {
        const info = statSync(`${dir}/${name}`, { throwIfNoEntry: false });
        return info ? `${name}:${info.size}:${info.mtimeMs}` : '';
      })
      .join('|');
  }

  rename(id: string, name: string): Promise<RunDocument> {
    const trimmed = name.trim();
    if (trimmed === '') return Promise.reject(new Error('A run name cannot be empty.'));
    return this.update(id, (doc) => {
      doc.name = trimmed;
    });
  }

  /** Sets tags (value '' removes the tag). Tags that are not an object on disk are replaced by these. */
  setTags(id: string, tags: Record<string, string>): Promise<RunDocument> {
    return this.update(id, (doc) => {
      if (!isPlainObject(doc.tags)) doc.tags = dict<string>();
      const stored = doc.tags as Record<string, unknown>;
      for (const [key, value] of Object.entries(tags)) {
        if (value === '') delete stored[key];
        else setOwn(stored, key, value);
      }
    });
  }

  /**
   * Records that a run's process died without closing it (only the extension, which supervises runs, does this).
   * Re-checks the rule on the document as stored under the lock: does nothing if the run has ended or shown a sign
   * of life meanwhile.
   */
  async markCrashed(id: string, reason: string): Promise<RunDocument> {
    const doc = await this.update(id, (stored) => {
      if (stored.status !== 'running') return;
      const fields = crashFields(stored, reason, this.probe.now());
      stored.status = fields.status;
      stored.endTime = fields.endTime;
      stored.error ??= fields.error;
    });
    if (doc.status === 'crashed' && doc.capture.host === this.probe.host)
      await this.removeDeadWritersTemps(id);
    return doc;
  }

  /**
   * A writer killed between writing `run.json.<pid>.<hex>.tmp` and renaming it over run.json leaves that file
   * behind (docs/reliability.md): once its run is recorded crashed, the temporaries of writers that are gone are
   * removed. Only this machine's runs: a pid means nothing on another host.
   */
  private async removeDeadWritersTemps(id: string): Promise<void> {
    const dir = this.layout.runDir(id);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const pid = Number(DEAD_WRITER_TEMP.exec(name)?.[1]);
      if (!isSignallablePid(pid) || this.probe.isProcessAlive(pid)) continue;
      await rm(`${dir}/${name}`, { force: true }).catch(() => undefined);
    }
  }

  /** Ends a run whose process had to be killed (it could not record its own end). */
  markInterrupted(id: string, reason: string): Promise<RunDocument> {
    return this.update(id, (doc) => {
      if (doc.status !== 'running') return;
      doc.status = 'interrupted';
      doc.endTime = new Date().toISOString();
      doc.error ??= { type: 'Interrupted', message: reason };
    });
  }

  /** Every edit goes here: refused when the run folder or run.json leads out of the store. */
  private async update(id: string, change: (doc: StoredRunDocument) => void): Promise<RunDocument> {
    const dir = resolveInside(this.layout.runsDir, id, 'run folder');
    const file = dir.ok ? resolveInside(dir.path, 'run.json', 'run.json') : dir;
    if (!file.ok) throw new UnreadableRunError(`Runlog will not edit run ${id}: ${file.reason}`);
    const doc = await updateRunDocument(this.layout.runDocument(id), id, change, {
      timeoutMs: this.lockTimeoutMs,
    });
    return withLiveness(doc, this.probe).doc;
  }

  /** Moves a run folder to trash/ (restorable with restoreFromTrash). */
  async moveToTrash(id: string): Promise<void> {
    await mkdir(this.layout.trashDir, { recursive: true });
    await rename(this.layout.runDir(id), `${this.layout.trashDir}/${id}`);
  }

  async restoreFromTrash(id: string): Promise<void> {
    if (existsSync(this.layout.runDir(id)))
      throw new Error(`A run ${id} exists already; it was not restored.`);
    await rename(`${this.layout.trashDir}/${id}`, this.layout.runDir(id));
  }

  /** Finds runs by id, id prefix or suffix, or exact name (for the CLI and commands taking a typed reference). */
  async resolve(reference: string): Promise<RunEntry[]> {
    const ids = await this.listIds();
    const byId = ids.filter((id) => id === reference || id.startsWith(reference) || id.endsWith(reference));
    if (byId.length > 0) return byId.map((id) => this.readEntry(id));
    const entries = ids.map((id) => this.readEntry(id));
    return entries.filter((entry) => entry.kind === 'run' && entry.doc.name === reference);
  }
}
