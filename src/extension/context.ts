import * as vscode from 'vscode';
import { RunIndex } from '../core/store/runIndex';
import { RunStore } from '../core/store/runStore';
import { Config } from './config';

/** An error whose message is meant for the user as is (no stack, no "Runlog failed:" prefix). */
export class UserError extends Error {}

/** How many of the newest runs the Runs view waits for before it shows (the rest follow within a second). */
const NEWEST_FIRST = 1000;
/** A store larger than NEWEST_FIRST reads its older runs this long after the newest are in (RunIndex). */
const REST_DELAY_MS = 1000;

/**
 * The one object that owns Runlog's long-lived state in the editor: settings, the store and its index, the log
 * channel, and every subscription. Everything else receives it and registers its disposables here.
 */
export class RunlogContext implements vscode.Disposable {
  readonly config = new Config();
  readonly log = vscode.window.createOutputChannel('Runlog', { log: true });
  private readonly disposables: vscode.Disposable[] = [this.log];
  private current:
    { root: string; store: RunStore; index: Promise<RunIndex>; newest: Promise<RunIndex> } | undefined;
  private readonly runsChanged = new vscode.EventEmitter<string[] | undefined>();
  private readonly filesWritten = new vscode.EventEmitter<string[]>();

  /** Runs added, changed or removed (ids), or undefined when the whole store changed (another store path). */
  readonly onDidChangeRuns = this.runsChanged.event;
  /** Files of running runs written (metrics, output), possibly without a run.json change. */
  readonly onDidWriteRunFiles = this.filesWritten.event;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.disposables.push(this.runsChanged, this.filesWritten);
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (Config.affects(event, 'storePath')) this.switchStore();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.switchStore()),
    );
  }

  /** The Python client shipped inside the extension (put on PYTHONPATH of tracked runs). */
  get bundledPythonClient(): string {
    return this.extension.asAbsolutePath('dist/python');
  }

  /** The store, or undefined when no folder is open to hold it. */
  get store(): RunStore | undefined {
    const root = this.config.storeRoot;
    if (!root) return undefined;
    if (this.current?.root !== root) this.current = this.open(root);
    return this.current.store;
  }

  requireStore(): RunStore {
    const store = this.store;
    if (!store)
      throw new UserError('Runlog needs a workspace folder for its store. Open a folder, then try again.');
    return store;
  }

  /** The run index, loaded on first use and followed from then on. */
  async index(): Promise<RunIndex | undefined> {
    return this.store ? this.current!.index : undefined;
  }

  /**
   * The same index as soon as its newest runs are in (the rest follow with an onDidChangeRuns): for the Runs view,
   * which shows a large store's recent runs without waiting for the oldest. Anything that looks runs up by id
   * waits for index().
   */
  async indexNewest(): Promise<RunIndex | undefined> {
    return this.store ? this.current!.newest : undefined;
  }

  private open(root: string) {
    const store = new RunStore(root);
    const index = new RunIndex(store, {
      watch: true,
      persistCrashes: true, // the extension supervises runs: it alone records crashes (store-format.md)
      onError: (error) => this.log.warn(`store ${root}: ${String(error)}`),
      firstPage: NEWEST_FIRST,
      restDelayMs: REST_DELAY_MS,
    });
    index.onDidChange((ids) => this.runsChanged.fire(ids));
    index.onDidWriteFiles((ids) => this.filesWritten.fire(ids));
    const loaded = index.load().then(
      () => {
        this.log.info(`store ${root}: ${index.list().length} runs`);
        return index;
      },
      (error: unknown) => {
        this.log.error(`store ${root} could not be read: ${String(error)}`);
        throw error;
      },
    );
    const newest = index.loadNewest().then(() => index);
    newest.catch(() => undefined); // reported by `loaded`
    return { root, store, index: loaded, newest };
  }

  private switchStore(): void {
    const previous = this.current;
    this.current = undefined;
    void previous?.index.then(
      (index) => index.dispose(),
      () => undefined,
    );
    this.runsChanged.fire(undefined);
  }

  /** Registers a command whose failures reach the user as a clear message (and the log) instead of vanishing. */
  registerCommand(id: string, handler: (...args: never[]) => unknown): void {
    this.disposables.push(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          this.reportError(error, id);
        }
      }),
    );
  }

  reportError(error: unknown, where: string): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(
      `${where}: ${error instanceof Error && !(error instanceof UserError) ? error.stack : message}`,
    );
    void vscode.window.showErrorMessage(error instanceof UserError ? message : `Runlog: ${message}`);
  }

  own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    void this.current?.index.then(
      (index) => index.dispose(),
      () => undefined,
    );
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}
