import { changedCells, readCellRecords } from '../../core/notebooks/cells';
import * as vscode from 'vscode';
import {
  chartMetric,
  prepareComparison,
  readGoalSetting,
  RunSeries,
  type Comparison,
  type MetricChart,
  type XAxis,
} from '../../core/compare';
import type { RunDocument } from '../../core/store/types';
import type {
  CompareState,
  FromCompareWebview,
  NotebookCellChange,
  ToCompareWebview,
} from '../../../webview/compare/contract';
import type { RunlogContext } from '../context';
import { UserError } from '../context';
import { saveExport } from './exportFile';
import type { PagePort } from './pagePort';
import { openScriptDiff } from './scriptDiff';

/** Live chart updates of running runs are sent at most this often. */
const LIVE_INTERVAL_MS = 1000;

/**
 * One Compare panel's controller: reads the runs' metric series once (then only what is appended), prepares the
 * comparison in the core, and answers the page's requests. Messages arrive validated (isFromCompareWebview);
 * run ids in them are looked up among the compared runs only.
 */
export class CompareSession implements vscode.Disposable {
  private readonly series = new Map<string, RunSeries>();
  private readonly disposables: vscode.Disposable[] = [];
  private baseline = 0;
  private axis: XAxis = 'step';
  private readonly zooms = new Map<string, [number, number]>();
  private liveTimer: NodeJS.Timeout | undefined;
  private readonly dirty = new Set<string>();
  private seriesLoaded: Promise<void> | undefined;

  constructor(
    private readonly ctx: RunlogContext,
    private readonly port: PagePort<ToCompareWebview, FromCompareWebview>,
    readonly runIds: string[],
  ) {
    const store = ctx.requireStore();
    for (const id of runIds) this.series.set(id, new RunSeries(id, store.layout.metricsFile(id)));
    this.disposables.push(
      port.onDidReceiveMessage(
        (message) => void this.handle(message).catch((error) => this.ctx.reportError(error, 'compare')),
      ),
      ctx.onDidWriteRunFiles((ids) => this.onWrites(ids)),
      ctx.onDidChangeRuns((ids) => {
        if (!ids || ids.some((id) => this.series.has(id))) void this.resendIfShapeChanged();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('runlog.metricGoals')) void this.send();
      }),
    );
  }

  /** The last messages sent to the page, newest last (for tests and diagnostics). */
  readonly sent: ToCompareWebview[] = [];

  private async post(message: ToCompareWebview): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > 20) this.sent.shift();
    await this.port.post(message);
  }

  dispose(): void {
    if (this.liveTimer) clearTimeout(this.liveTimer);
    for (const d of this.disposables) d.dispose();
  }

  /** The compared runs' documents, in the order they were picked (runs deleted since are left out). */
  async docs(): Promise<RunDocument[]> {
    const index = await this.ctx.index();
    return this.runIds.flatMap((id) => {
      const entry = index?.get(id);
      return entry?.kind === 'run' ? [entry.doc] : [];
    });
  }

  private goals() {
    return readGoalSetting(vscode.workspace.getConfiguration('runlog').get('metricGoals'));
  }

  private loadSeries(): Promise<void> {
    this.seriesLoaded ??= Promise.all([...this.series.values()].map((s) => s.refresh())).then(
      () => undefined,
    );
    return this.seriesLoaded;
  }

  private lookup = (id: string, metric: string) => this.series.get(id)?.get(metric);

  /** Prepares the comparison from the current documents and series (what `setComparison` carries). */
  async comparison(): Promise<{ comparison: Comparison; problems: string[] }> {
    await this.loadSeries();
    const docs = await this.docs();
    if (docs.length < 2) throw new UserError('The runs of this comparison no longer exist.');
    const { goals, problems } = this.goals();
    this.baseline = Math.min(this.baseline, docs.length - 1);
    const comparison = prepareComparison(docs, this.lookup, {
      baseline: this.baseline,
      goals,
      axis: this.axis,
    });
    // Zoomed charts keep their range across a rebuild.
    comparison.charts = comparison.charts.map((chart) => {
      const range = this.zooms.get(chart.name);
      return range ? chartMetric(docs, chart.name, this.lookup, { axis: this.axis, goals, range }) : chart;
    });
    const skipped = [...this.series.values()].filter((s) => s.skippedLines > 0);
    for (const s of skipped)
      problems.push(`${s.skippedLines} unreadable line(s) in the metrics of run ${s.runId} were skipped.`);
    return { comparison, problems };
  }

  private sentShape = '';

  /**
   * A running run rewrites run.json at every flush: rebuilding the page each time would flicker, and its charts
   * already follow through live updates. The page is rebuilt when what it lays out changes: runs, statuses,
   * names, params, the set of metrics.
   */
  private async resendIfShapeChanged(): Promise<void> {
    const docs = await this.docs();
    if (shapeOf(docs) !== this.sentShape) await this.send();
  }

  /**
   * For notebook runs: the cells whose source changed between the baseline and each other notebook run (a text
   * diff per cell; docs/notebooks.md), always from the run that started first to the later one, so an edit reads
   * as an edit whichever run is the baseline. Undefined when fewer than two of the runs are notebook runs.
   */
  private async notebookCellChanges(): Promise<NotebookCellChange[] | undefined> {
    const notebooks = (await this.docs()).filter((doc) => doc.capture.source === 'notebook');
    if (notebooks.length < 2) return undefined;
    const store = this.ctx.requireStore();
    const baseline = notebooks.find((doc) => doc.id === this.runIds[this.baseline]) ?? notebooks[0];
    const base = await readCellRecords(store.layout.runDir(baseline.id));
    const changes: NotebookCellChange[] = [];
    for (const other of notebooks.filter((doc) => doc !== baseline)) {
      const records = await readCellRecords(store.layout.runDir(other.id));
      const otherFirst = Date.parse(other.startTime) < Date.parse(baseline.startTime);
      const [from, to] = otherFirst ? [other, baseline] : [baseline, other];
      const [before, after] = otherFirst ? [records, base] : [base, records];
      for (const change of changedCells(before, after)) {
        const diff =
          change.change === 'changed'
            ? change.diff
            : change.change === 'added'
              ? `+ added in ${to.name}:\n${change.b ?? ''}`
              : `- removed in ${to.name}:\n${change.a ?? ''}`;
        changes.push({
          cellId: `Cell ${change.index + 1} (${change.cell}): ${from.name} → ${to.name}`,
          diff,
        });
      }
    }
    return changes;
  }

  async send(): Promise<void> {
    const { comparison, problems } = await this.comparison();
    this.sentShape = shapeOf(await this.docs());
    const commands = await vscode.commands.getCommands(true);
    const state: CompareState = {
      comparison,
      axis: this.axis,
      problems,
      canDiffDatasets: commands.includes('runlog.compareDatasetVersions'),
      cells: await this.notebookCellChanges(),
    };
    await this.post({ type: 'setComparison', state });
  }

  async handle(message: FromCompareWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.send();
      case 'setBaseline': {
        const index = (await this.docs()).findIndex((doc) => doc.id === message.runId);
        if (index < 0) throw new UserError(`Run ${message.runId} is not part of this comparison.`);
        this.baseline = index;
        return this.send();
      }
      case 'setAxis':
        this.axis = message.axis;
        this.zooms.clear();
        return this.send();
      case 'zoom':
        return this.zoom(message.metric, message.range);
      case 'export': {
        const target = await saveExport(message.format, message.name, message.data);
        await this.post({
          type: 'exported',
          ok: target !== undefined,
          message: target ? `Saved ${vscode.workspace.asRelativePath(target)}` : 'Export cancelled.',
        });
        return;
      }
      case 'openScriptDiff': {
        const docs = await this.docs();
        const a = docs.find((d) => d.id === message.runA);
        const b = docs.find((d) => d.id === message.runB);
        if (!a || !b) throw new UserError('Those runs are not part of this comparison.');
        return openScriptDiff(a, b);
      }
      case 'runCommand': {
        const commands = await vscode.commands.getCommands(true);
        if (!commands.includes(message.command)) {
          void vscode.window.showWarningMessage(
            message.command === 'runlog.compareDatasetVersions'
              ? 'Dataset diff is not available: the command runlog.compareDatasetVersions is not registered in this version of Runlog.'
              : message.command === 'runlog.promoteRun'
                ? 'Promotion is not available: the command runlog.promoteRun is not registered in this version of Runlog.'
                : `The command ${message.command} is not available.`,
          );
          return;
        }
        if (message.command === 'runlog.showRunDetails' || message.command === 'runlog.promoteRun') {
          if (!this.runIds.includes(message.args[0]))
            throw new UserError('That run is not part of this comparison.');
        }
        await vscode.commands.executeCommand(message.command, ...message.args);
        return;
      }
    }
  }

  private async zoom(metric: string, range: [number, number] | null): Promise<void> {
    const docs = await this.docs();
    if (!docs.some((doc) => Object.hasOwn(doc.metrics, metric))) return;
    if (range) this.zooms.set(metric, range);
    else this.zooms.delete(metric);
    const { goals } = this.goals();
    const chart = chartMetric(docs, metric, this.lookup, {
      axis: this.axis,
      goals,
      range: range ?? undefined,
    });
    await this.post({ type: 'updateCharts', charts: [chart], range });
  }

  /** Running runs append points: read them and send the charts that changed, at most once a second. */
  private onWrites(ids: string[]): void {
    for (const id of ids) if (this.series.has(id)) this.dirty.add(id);
    if (this.dirty.size === 0 || this.liveTimer) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      void this.flushLive().catch((error) => this.ctx.log.warn(`compare live update: ${String(error)}`));
    }, LIVE_INTERVAL_MS);
  }

  private async flushLive(): Promise<void> {
    await this.loadSeries();
    const ids = [...this.dirty];
    this.dirty.clear();
    const changed = new Set<string>();
    for (const id of ids) for (const key of await this.series.get(id)!.refresh()) changed.add(key);
    if (changed.size === 0 || !this.port.visible) return;
    const docs = await this.docs();
    const { goals } = this.goals();
    const charts: MetricChart[] = [...changed].map((metric) =>
      chartMetric(docs, metric, this.lookup, { axis: this.axis, goals, range: this.zooms.get(metric) }),
    );
    await this.post({ type: 'updateCharts', charts });
  }
}

function shapeOf(docs: readonly RunDocument[]): string {
  return JSON.stringify(
    docs.map((d) => [
      d.id,
      d.name,
      d.status,
      d.params,
      Object.keys(d.metrics),
      d.datasets.length,
      d.capture.git?.commit,
    ]),
  );
}
