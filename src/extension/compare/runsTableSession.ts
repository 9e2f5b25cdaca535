import * as vscode from 'vscode';
import type { FromRunsTableWebview, ToRunsTableWebview } from '../../../webview/runsTable/contract';
import { toTableRun } from '../../../webview/runsTable/contract';
import type { RunlogContext } from '../context';
import type { PagePort } from './pagePort';

/**
 * The runs table's controller: sends every run on `ready`, then only the runs that changed; runs the table's
 * actions as the same commands the Runs view runs (their ids are checked against the index first).
 */
export class RunsTableSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private known = new Set<string>();

  constructor(
    private readonly ctx: RunlogContext,
    private readonly port: PagePort<ToRunsTableWebview, FromRunsTableWebview>,
  ) {
    this.disposables.push(
      port.onDidReceiveMessage(
        (message) => void this.handle(message).catch((error) => ctx.reportError(error, 'runs table')),
      ),
      ctx.onDidChangeRuns(
        (ids) => void this.update(ids).catch((error) => ctx.log.warn(`runs table: ${String(error)}`)),
      ),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('runlog.primaryMetric')) void this.sendAll();
      }),
    );
  }

  /** The last messages sent to the page, newest last (for tests and diagnostics). */
  readonly sent: ToRunsTableWebview[] = [];

  private async post(message: ToRunsTableWebview): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > 20) this.sent.shift();
    await this.port.post(message);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  async handle(message: FromRunsTableWebview): Promise<void> {
    if (message.type === 'ready') return this.sendAll();
    const index = await this.ctx.index();
    const [first, ids] = message.args;
    const known = ids.filter((id) => index?.get(id)?.kind === 'run');
    if (known.length === 0 || !known.includes(first)) {
      void vscode.window.showWarningMessage('Those runs no longer exist in the store.');
      return;
    }
    await vscode.commands.executeCommand(message.command, first, known);
  }

  private async sendAll(): Promise<void> {
    const index = await this.ctx.index();
    const runs = (index?.list() ?? []).flatMap((entry) =>
      entry.kind === 'run' ? [toTableRun(entry.doc)] : [],
    );
    this.known = new Set(runs.map((r) => r.id));
    this.ready = true;
    await this.post({ type: 'setRuns', runs, primaryMetric: this.ctx.config.primaryMetric });
  }

  private async update(ids: string[] | undefined): Promise<void> {
    if (!this.ready) return;
    if (!ids) return this.sendAll();
    const index = await this.ctx.index();
    const runs = [];
    const removed = [];
    for (const id of ids) {
      const entry = index?.get(id);
      if (entry?.kind === 'run') {
        runs.push(toTableRun(entry.doc));
        this.known.add(id);
      } else if (this.known.delete(id)) removed.push(id);
    }
    if (runs.length || removed.length) await this.post({ type: 'updateRuns', runs, removed });
  }
}
