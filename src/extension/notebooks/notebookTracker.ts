import * as vscode from 'vscode';
import { NotebookSessions } from '../../core/notebooks/sessions';
import type { RunlogContext } from '../context';
import { describeNotebook, executionOf, kernelOf, TRACKED_NOTEBOOK_TYPE } from './notebookInfo';
import { TrackingChoices } from './trackingChoice';

const TRACKED_CONTEXT_KEY = 'runlog.notebookTracked';

/**
 * Follows notebooks through the notebook API and feeds the core's NotebookSessions: cells' execution summaries
 * (start, end), the kernel named in the notebook's metadata, open and close. Works with any kernel's controller.
 * Everything it skips is said once per notebook in the Runlog output channel, never in a popup.
 */
export class NotebookTracker implements vscode.Disposable {
  readonly choices: TrackingChoices;
  private current: { root: string; sessions: NotebookSessions } | undefined;
  /** End time of the last execution recorded per cell: a summary event can repeat. */
  private readonly recorded = new WeakMap<vscode.NotebookCell, number>();
  private readonly kernels = new Map<string, string | undefined>();
  /** When each notebook started being followed (ms): executions that started earlier are not recorded. */
  private readonly followedAt = new Map<string, number>();
  private readonly explained = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: RunlogContext) {
    this.choices = new TrackingChoices(ctx.extension.workspaceState, (m) => ctx.log.warn(m));
    this.disposables.push(
      vscode.workspace.onDidOpenNotebookDocument((notebook) => this.follow(notebook)),
      vscode.workspace.onDidCloseNotebookDocument(
        (notebook) => void this.unfollow(notebook, 'the notebook was closed'),
      ),
      vscode.workspace.onDidChangeNotebookDocument((event) => this.onChange(event)),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.updateContextKey()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (
          event.affectsConfiguration('runlog.notebooks.track') ||
          event.affectsConfiguration('runlog.storePath')
        )
          this.reconsiderAll();
      }),
    );
    for (const notebook of vscode.workspace.notebookDocuments) this.follow(notebook);
    this.updateContextKey();
  }

  /** The core sessions, for tests and the toggle. */
  get sessions(): NotebookSessions | undefined {
    return this.current?.sessions;
  }

  isTracked(notebook: vscode.NotebookDocument): boolean {
    return this.current?.sessions.has(notebook.uri.toString()) ?? false;
  }

  /** The notebook toolbar toggle: tracks or stops tracking a notebook, remembered for it. */
  async toggle(target?: unknown): Promise<void> {
    const notebook = notebookOf(target) ?? vscode.window.activeNotebookEditor?.notebook;
    if (!notebook) return;
    const tracked = !this.choices.isTracked(notebook.uri);
    await this.choices.choose(notebook.uri, tracked);
    if (tracked) this.follow(notebook);
    else await this.unfollow(notebook, 'tracking was turned off for this notebook');
    this.ctx.log.info(`notebook ${notebook.uri.fsPath}: tracking ${tracked ? 'on' : 'off'}`);
    this.updateContextKey();
  }

  private sessionsFor(): NotebookSessions | undefined {
    const store = this.ctx.store;
    if (!store) return undefined;
    if (this.current?.root !== store.root) {
      void this.current?.sessions.dispose();
      this.current = {
        root: store.root,
        sessions: new NotebookSessions(store, {
          log: { info: (m) => this.ctx.log.info(m), warn: (m) => this.ctx.log.warn(m) },
        }),
      };
    }
    return this.current.sessions;
  }

  private follow(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType !== TRACKED_NOTEBOOK_TYPE) return; // interactive windows, other formats
    if (!this.choices.isTracked(notebook.uri)) return;
    const sessions = this.sessionsFor();
    if (!sessions) {
      this.explainOnce(notebook, 'not tracked: there is no workspace folder to hold the run store');
      return;
    }
    const tracked = describeNotebook(notebook);
    if (!tracked.path) {
      this.explainOnce(
        notebook,
        `tracked as ${tracked.info.notebook}: an unsaved notebook has no path, so the Python client in its kernel ` +
          'cannot find its run and logs into a run of its own',
      );
    } else if (!vscode.workspace.getWorkspaceFolder(notebook.uri)) {
      this.explainOnce(
        notebook,
        `tracked under its absolute path ${tracked.info.notebook}: it is outside the workspace (its kernel finds ` +
          'the store only if RUNLOG_STORE points at it)',
      );
    }
    const language = tracked.info.kernel?.language;
    if (language && language !== 'python') {
      this.explainOnce(
        notebook,
        `its kernel's language is ${language}: cells are recorded, but params and metrics need the Python client`,
      );
    }
    this.kernels.set(tracked.key, kernelOf(notebook).name);
    if (!this.followedAt.has(tracked.key)) this.followedAt.set(tracked.key, Date.now());
    void sessions.open(tracked);
  }

  private async unfollow(notebook: vscode.NotebookDocument, reason: string): Promise<void> {
    this.kernels.delete(notebook.uri.toString());
    this.followedAt.delete(notebook.uri.toString());
    await this.current?.sessions.close(notebook.uri.toString(), reason);
  }

  private onChange(event: vscode.NotebookDocumentChangeEvent): void {
    const key = event.notebook.uri.toString();
    const sessions = this.current?.sessions;
    if (!sessions?.has(key)) return;
    if (event.metadata) {
      const kernel = kernelOf(event.notebook).name;
      if (this.kernels.has(key) && this.kernels.get(key) !== kernel) {
        void sessions.endSession(key, `the kernel changed to ${kernel ?? 'another one'}`);
      }
      this.kernels.set(key, kernel);
    }
    for (const change of event.cellChanges) {
      const summary = change.executionSummary;
      if (!summary) continue;
      if (!summary.timing) {
        void sessions.cellStarted(key, summary.executionOrder);
        continue;
      }
      const timing = summary.timing;
      // An execution that started before this notebook was tracked (its end can arrive after the toggle) is not
      // this session's.
      if (timing.startTime < (this.followedAt.get(key) ?? 0)) continue;
      if (this.recorded.get(change.cell) === timing.endTime) continue;
      this.recorded.set(change.cell, timing.endTime);
      void sessions.cellEnded(key, executionOf(change.cell, { ...summary, timing }));
    }
  }

  private reconsiderAll(): void {
    for (const notebook of vscode.workspace.notebookDocuments) {
      if (this.choices.isTracked(notebook.uri) && this.sessionsFor()) this.follow(notebook);
      else void this.unfollow(notebook, 'tracking was turned off (runlog.notebooks.track)');
    }
    this.updateContextKey();
  }

  private explainOnce(notebook: vscode.NotebookDocument, message: string): void {
    const key = `${notebook.uri.toString()}\0${message}`;
    if (this.explained.has(key)) return;
    this.explained.add(key);
    this.ctx.log.info(
      `notebook ${notebook.uri.scheme === 'file' ? notebook.uri.fsPath : notebook.uri.toString()}: ${message}`,
    );
  }

  private updateContextKey(): void {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    void vscode.commands.executeCommand(
      'setContext',
      TRACKED_CONTEXT_KEY,
      notebook
        ? this.choices.isTracked(notebook.uri) && this.current?.sessions.has(notebook.uri.toString())
        : false,
    );
  }

  /** Ends every notebook run (the window is closing); the returned promise lets deactivation wait for it. */
  async end(): Promise<void> {
    await this.current?.sessions.dispose();
    this.current = undefined;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    void this.end();
  }
}

/** The notebook a toolbar or palette invocation refers to (a URI, or the toolbar's `{ notebookEditor }`). */
function notebookOf(target: unknown): vscode.NotebookDocument | undefined {
  const uri =
    target instanceof vscode.Uri
      ? target
      : (target as { notebookEditor?: { notebookUri?: unknown } } | undefined)?.notebookEditor?.notebookUri;
  if (!(uri instanceof vscode.Uri)) return undefined;
  return vscode.workspace.notebookDocuments.find((notebook) => notebook.uri.toString() === uri.toString());
}
