import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatDuration, primaryMetric, runDuration } from '../../core/format';
import { readCellRecords } from '../../core/notebooks/cells';
import { auditFile } from '../../core/promote/audit';
import { AuditTail } from '../../core/promote/auditTail';
import { RunPromotions } from '../../core/promote/runPromotions';
import { cellTimeline, type CellTimeline } from '../../core/notebooks/timeline';
import { resolveInside } from '../../core/store/containment';
import { diffDocuments } from '../../core/store/documentDiff';
import { isRunId } from '../../core/store/ids';
import { MetricsTail } from '../../core/store/metricsReader';
import { OutputTail } from '../../core/store/outputReader';
import type { MetricPoint, RunDocument } from '../../core/store/types';
import { encodeNumber } from '../../core/store/values';
import {
  type DetailsCommand,
  isFromDetailsWebview,
  type FromDetailsWebview,
  type PointTuple,
  type ToDetailsWebview,
} from '../../../webview/details/contract';
import { COMMANDS } from '../commandIds';
import type { RunlogContext } from '../context';
import { UserError } from '../context';
import { PanelHost } from '../webview/panelHost';
import { registerPage } from '../webview/pages';
import { runTargets } from './targets';

const PAGE = 'details';

interface DetailsArgs {
  runId: string;
}

function isDetailsArgs(args: unknown): args is DetailsArgs {
  return typeof args === 'object' && args !== null && isRunId(String((args as DetailsArgs).runId));
}

/** Opens one details panel per run, keeps each live while its run writes, and restores them after a reload. */
export class RunDetailsPanels {
  private readonly panels = new Map<string, RunDetailsPanel>();

  constructor(private readonly ctx: RunlogContext) {
    ctx.own({ dispose: () => [...this.panels.values()].forEach((panel) => panel.dispose()) });
    registerPage(ctx, PAGE, async (panel, args) => {
      if (!isDetailsArgs(args)) throw new Error(`saved state names no run: ${JSON.stringify(args)}`);
      const entry = (await ctx.index())?.get(args.runId);
      if (entry?.kind !== 'run') throw new Error(`run ${args.runId} is no longer in the store`);
      this.open(entry.doc, entry.dir, panel);
    });
  }

  async show(node?: unknown): Promise<void> {
    const [entry] = await runTargets(this.ctx, node, undefined, { placeHolder: 'Run to show' });
    if (!entry) return;
    if (entry.kind !== 'run') throw new UserError(`Run ${entry.id} cannot be read: ${entry.reason}`);
    const open = this.panels.get(entry.id);
    if (open) return open.reveal();
    this.open(entry.doc, entry.dir);
  }

  private open(doc: RunDocument, dir: string, revived?: vscode.WebviewPanel): void {
    this.panels.get(doc.id)?.dispose();
    const panel = new RunDetailsPanel(this.ctx, doc, dir, revived);
    panel.host.onDidDispose(() => {
      if (this.panels.get(doc.id) === panel) this.panels.delete(doc.id);
    });
    this.panels.set(doc.id, panel);
  }

  /** The panel of a run, if open (for tests and for commands that act on "this run"). */
  get(id: string): RunDetailsPanel | undefined {
    return this.panels.get(id);
  }
}

export class RunDetailsPanel implements vscode.Disposable {
  readonly host: PanelHost<ToDetailsWebview, FromDetailsWebview>;
  private readonly metrics: MetricsTail;
  private readonly output: OutputTail;
  /** The document as the webview has it: patches are computed against it. */
  private sent: RunDocument | undefined;
  private sentPrimary: string | undefined;
  private sentCells = -1;
  /** The cell timeline last sent to the page (notebook runs; tests read it). */
  cellsSent: CellTimeline | undefined;
  /** Every read-and-send runs in this chain, so points are never sent twice or out of order. */
  private pumping: Promise<void> = Promise.resolve();
  /** Points sent since the page last loaded (tests compare it with the points on disk). */
  pointsSent = 0;
  /** Follows the store's audit log: only appended lines are read. */
  private readonly audit: AuditTail | undefined;
  /** This run's promotions as last sent to the page (tests read it). */
  readonly promotions: RunPromotions;

  constructor(
    private readonly ctx: RunlogContext,
    private doc: RunDocument,
    private readonly dir: string,
    revived?: vscode.WebviewPanel,
  ) {
    this.metrics = new MetricsTail(path.join(dir, 'metrics.jsonl'));
    this.output = new OutputTail(path.join(dir, 'output.log'));
    this.host = new PanelHost(ctx, {
      page: PAGE,
      title: `Run: ${doc.name}`,
      args: { runId: doc.id } satisfies DetailsArgs,
      isFromWebview: isFromDetailsWebview,
      panel: revived,
    });
    this.host.own(this.host.onDidReceiveMessage((message) => void this.receive(message)));
    this.host.own(
      ctx.onDidChangeRuns((ids) => {
        if (!ids || ids.includes(doc.id)) this.pump(true);
      }),
    );
    this.host.own(
      ctx.onDidWriteRunFiles((ids) => {
        if (ids.includes(doc.id)) this.pump(false);
      }),
    );
    this.host.own(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('runlog.primaryMetric')) this.pump(false, true);
      }),
    );
    // Promotions: the audit log of the store, appended by the editor and by the CLI alike.
    this.promotions = new RunPromotions(doc.id);
    const storeRoot = ctx.store?.root;
    this.audit = storeRoot ? new AuditTail(storeRoot) : undefined;
    if (storeRoot) {
      const file = auditFile(storeRoot);
      const watcher = this.host.own(
        vscode.workspace.createFileSystemWatcher(
          new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
        ),
      );
      const changed = () => this.queue(() => this.sendPromotions(false));
      this.host.own(watcher.onDidChange(changed));
      this.host.own(watcher.onDidCreate(changed));
      this.host.own(watcher.onDidDelete(changed));
    }
  }

  get runId(): string {
    return this.doc.id;
  }

  reveal(): void {
    this.host.reveal();
  }

  private async receive(message: FromDetailsWebview): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          this.queue(() => this.sendAll());
          return;
        case 'runCommand':
          await this.runCommand(message.command, message.promotionId);
          return;
        case 'copyDigest': {
          if (!this.promotions.list().some((p) => p.digest === message.digest))
            throw new UserError('That digest is not one of this run’s promotions.');
          await vscode.env.clipboard.writeText(message.digest);
          void vscode.window.setStatusBarMessage(`Copied ${message.digest}`, 3000);
          return;
        }
        case 'openFile': {
          const file = resolveInside(this.dir, message.relativePath);
          if (!file.ok) throw new UserError(`Runlog only opens files inside the run folder: ${file.reason}`);
          await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file.path));
          return;
        }
        case 'openNotebookCell': {
          const notebook = this.doc.capture.notebook;
          if (typeof notebook !== 'string') throw new UserError('This run is not a notebook run.');
          await vscode.commands.executeCommand(COMMANDS.openNotebookCell, notebook, message.index);
          return;
        }
      }
    } catch (error) {
      this.ctx.reportError(error, `details ${message.type}`);
    }
  }

  /** The page's buttons run the palette's commands on this run. */
  private async runCommand(command: DetailsCommand, promotionId: string | undefined): Promise<void> {
    switch (command) {
      case COMMANDS.retryPipeline: {
        const promotion = this.promotions.list().find((p) => p.id === promotionId);
        if (!promotion?.canRetry)
          throw new UserError(
            'That promotion’s pipeline cannot be retried (it did not fail, or is not this run’s).',
          );
        await vscode.commands.executeCommand(command, promotion.id);
        return;
      }
      case COMMANDS.compareRuns: {
        // "Compare With…": this run and the runs the user picks, handed to the same command the Runs view uses.
        const others = await this.pickRunsToCompare();
        if (others.length > 0)
          await vscode.commands.executeCommand(command, this.doc.id, [this.doc.id, ...others]);
        return;
      }
      default:
        await vscode.commands.executeCommand(command, this.doc.id);
    }
  }

  /** The other runs to compare this one with, picked in the same list every run command uses. */
  private async pickRunsToCompare(): Promise<string[]> {
    const others = await runTargets(this.ctx, undefined, undefined, {
      placeHolder: `Compare ${this.doc.name} with…`,
      canPickMany: true,
      filter: (entry) => entry.kind === 'run' && entry.id !== this.doc.id,
    });
    return others.map((entry) => entry.id);
  }

  /** The run's promotions: all on (re)load, then only when lines of this run were appended to the audit log. */
  private async sendPromotions(all: boolean): Promise<void> {
    if (!this.sent) return; // the page has not asked yet: its `ready` sends everything
    if (!this.audit) {
      if (all) this.host.post({ type: 'setPromotions', promotions: [] });
      return;
    }
    if (all) {
      this.audit.reset();
      this.promotions.clear();
    }
    const { records, reset } = await this.audit.readNew();
    if (reset) this.promotions.clear();
    if (this.promotions.add(records) || reset || all) {
      this.host.post({ type: 'setPromotions', promotions: this.promotions.list() });
    }
  }

  private queue(work: () => Promise<void>): void {
    this.pumping = this.pumping
      .then(work)
      .catch((error: unknown) => this.ctx.log.warn(`details of ${this.doc.id}: ${String(error)}`));
  }

  /** Everything from the start: the page (re)loaded. */
  private async sendAll(): Promise<void> {
    this.metrics.reset();
    this.output.reset();
    const [points, output] = await Promise.all([this.metrics.readNew(), this.output.readNew()]);
    this.sent = this.doc;
    this.sentPrimary = this.primary();
    this.pointsSent = points.length;
    this.host.post({
      type: 'setRun',
      view: { run: this.doc, duration: this.duration(), primaryMetric: this.sentPrimary },
      points: tuples(points),
      output: output.text,
      outputTruncated: output.truncated,
    });
    this.sentCells = -1;
    await this.sendCells();
    await this.sendPromotions(true);
  }

  /** A notebook run's cell timeline, sent again only when more cells have run. */
  private async sendCells(): Promise<void> {
    const notebook = this.doc.capture.notebook;
    if (this.doc.capture.source !== 'notebook' || typeof notebook !== 'string') return;
    const records = await readCellRecords(this.dir);
    if (records.length === this.sentCells) return;
    this.sentCells = records.length;
    this.cellsSent = cellTimeline(notebook, records);
    this.host.post({ type: 'setCells', timeline: this.cellsSent });
  }

  /** Sends what changed since the last message. */
  private pump(documentChanged: boolean, settingsChanged = false): void {
    this.queue(async () => {
      if (!this.sent) return; // the page has not asked yet: its `ready` sends everything
      if (documentChanged) {
        const entry = (await this.ctx.index())?.get(this.doc.id);
        if (!entry) {
          this.host.dispose(); // the run was deleted
          return;
        }
        if (entry.kind === 'run') {
          this.doc = entry.doc;
          this.host.title = `Run: ${entry.doc.name}`;
        }
      }
      const patch = diffDocuments(this.sent, this.doc);
      const primary = this.primary();
      if (patch || settingsChanged || primary !== this.sentPrimary) {
        this.sent = this.doc;
        this.sentPrimary = primary;
        this.host.post({
          type: 'patchRun',
          changed: patch?.changed ?? {},
          removed: patch?.removed ?? [],
          duration: this.duration(),
          primaryMetric: primary,
        });
      }
      const [points, output] = await Promise.all([this.metrics.readNew(), this.output.readNew()]);
      if (points.length > 0) {
        this.pointsSent += points.length;
        this.host.post({ type: 'appendPoints', points: tuples(points) });
      }
      if (output.text) this.host.post({ type: 'appendOutput', text: output.text });
      await this.sendCells();
    });
  }

  /** Resolves once every update queued so far has been sent (for tests). */
  async settled(): Promise<void> {
    await this.pumping;
  }

  private primary(): string | undefined {
    return primaryMetric(this.doc, this.ctx.config.primaryMetric)?.[0];
  }

  private duration(): string {
    return formatDuration(runDuration(this.doc));
  }

  dispose(): void {
    this.host.dispose();
  }
}

function tuples(points: MetricPoint[]): Record<string, PointTuple[]> {
  const byKey = Object.create(null) as Record<string, PointTuple[]>;
  for (const point of points)
    (byKey[point.key] ??= []).push([point.step, encodeNumber(point.value), point.time]);
  return byKey;
}
