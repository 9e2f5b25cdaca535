import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatDuration, formatValue, primaryMetric, runDuration } from '../../core/format';
import { isRunning, type RunDocument } from '../../core/store/types';
import { COMMANDS } from '../commandIds';
import type { RunlogContext } from '../context';
import type { ScriptRunner } from './scriptRunner';

/** While a run is active: its name, latest step and primary metric; a click opens its details. */
export class RunStatusBar {
  private readonly item = vscode.window.createStatusBarItem(
    'runlog.activeRun',
    vscode.StatusBarAlignment.Left,
    50,
  );

  constructor(
    private readonly ctx: RunlogContext,
    private readonly runner: ScriptRunner,
  ) {
    this.item.name = 'Runlog: Active Run';
    ctx.own(this.item);
    ctx.own(ctx.onDidChangeRuns(() => void this.update()));
    ctx.own(runner.onDidLaunch(() => void this.update()));
    ctx.own(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('runlog.primaryMetric')) void this.update();
      }),
    );
  }

  /** What the item shows now ('' when hidden). */
  get text(): string {
    return this.visible ? this.item.text : '';
  }
  private visible = false;

  async update(): Promise<void> {
    const index = await this.ctx.index();
    const running = (index?.list() ?? []).filter(isRunning).map((entry) => entry.doc);
    const launchedIds = new Set(this.runner.launched.map((l) => l.id));
    // Prefer the newest run launched from this window, else the newest running run in the store.
    const doc = running.find((d) => launchedIds.has(d.id)) ?? running[0];
    if (doc) return this.showRun(doc, running.length);
    const starting = (await this.runner.starting()).at(-1);
    if (starting) {
      this.item.text = `$(loading~spin) Runlog: starting ${path.basename(starting.file)}`;
      this.item.tooltip = 'Waiting for the run to write its first record';
      this.item.command = undefined;
      this.item.show();
      this.visible = true;
      return;
    }
    this.item.hide();
    this.visible = false;
  }

  private runCommand: vscode.Command | undefined;

  /** The command a click runs now (undefined when hidden or starting). */
  get command(): vscode.Command | undefined {
    return this.visible ? (this.item.command as vscode.Command | undefined) : undefined;
  }

  /**
   * The same command object while the same run is shown: VS Code registers a command with arguments anew (under a
   * temporary id) whenever the item's command is set, and a click that races with that fails with "Actual command
   * not found". Updates come with every write of a live run.
   */
  private commandFor(id: string): vscode.Command {
    if (this.runCommand?.arguments?.[0] !== id) {
      this.runCommand = { command: COMMANDS.showRunDetails, title: 'Show Run Details', arguments: [id] };
    }
    return this.runCommand;
  }

  private showRun(doc: RunDocument, runningCount: number): void {
    const metric = primaryMetric(doc, this.ctx.config.primaryMetric);
    const parts = [`$(pulse) ${doc.name}`];
    if (metric) parts.push(`step ${metric[1].step}`, `${metric[0]} ${formatValue(metric[1].last)}`);
    if (runningCount > 1) parts.push(`+${runningCount - 1}`);
    this.item.text = parts.join(' · ');
    this.item.tooltip = new vscode.MarkdownString(
      `**${doc.name}** is running (${formatDuration(runDuration(doc))})  \n${doc.experiment} · ${doc.id}` +
        (runningCount > 1 ? `  \n${runningCount - 1} more run(s) running` : '') +
        '\n\nClick to open its details.',
    );
    this.item.command = this.commandFor(doc.id);
    this.item.show();
    this.visible = true;
  }
}
