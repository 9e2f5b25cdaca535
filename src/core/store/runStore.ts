import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { StoreLayout } from './layout';
import { parseRunDocument, UnreadableRunError, updateRunDocument } from './runDocument';
import type { RunDocument, RunEntry } from './types';

/** The store on disk: finds runs, reads them, and makes the few edits the editor is allowed (rename, tag, crash,
 *  trash). Writing a run's data is the Python client's job (docs/store-format.md). */
export class RunStore {
  readonly layout: StoreLayout;

  constructor(root: string) {
    this.layout = new StoreLayout(root);
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

  /** Names of the run folders, newest first (ids sort by start time). */
  async listIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.layout.runsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((name) => !name.startsWith('.')).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  /**
   * Reads one run. Synchronous on purpose: a run document is a few KB, and per-file async I/O costs several times
   * the read itself when listing thousands of runs (docs/benchmarks.md); the index reads in batches and yields.
   */
  readEntry(id: string): RunEntry {
    const dir = this.layout.runDir(id);
    try {
      return {
        kind: 'run',
        id,
        dir,
        doc: parseRunDocument(readFileSync(this.layout.runDocument(id), 'utf8'), id),
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

  /** Modification stamp of a run document, to tell whether a cached read is still current. */
  documentStamp(id: string): string | undefined {
    const info = statSync(this.layout.runDocument(id), { throwIfNoEntry: false });
    return info ? `${info.mtimeMs}:${info.size}:${info.ino}` : undefined;
  }

  rename(id: string, name: string): Promise<RunDocument> {
    const trimmed = name.trim();
    if (trimmed === '') return Promise.reject(new Error('A run name cannot be empty.'));
    return this.update(id, (doc) => {
      doc.name = trimmed;
    });
  }

  /** Sets tags (value '' removes the tag). */
  setTags(id: string, tags: Record<string, string>): Promise<RunDocument> {
    return this.update(id, (doc) => {
      doc.tags ??= {};
      for (const [key, value] of Object.entries(tags)) {
        if (value === '') delete doc.tags[key];
        else doc.tags[key] = value;
      }
    });
  }

  /** Records that a run's process died without closing it. Does nothing if the run has ended meanwhile. */
  markCrashed(id: string, reason: string): Promise<RunDocument> {
    return this.update(id, (doc) => {
      if (doc.status !== 'running') return;
      doc.status = 'crashed';
      doc.endTime = doc.heartbeatAt ?? doc.startTime;
      doc.error ??= {
        type: 'Crashed',
        message: `The run's process died without closing the run: ${reason}.`,
      };
    });
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

  private update(id: string, change: (doc: RunDocument) => void): Promise<RunDocument> {
    return updateRunDocument(this.layout.runDocument(id), id, change);
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
