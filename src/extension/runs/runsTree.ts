import * as vscode from 'vscode';
import { formatDuration, formatValue, primaryMetric, runDuration } from '../../core/format';
import { isRunning, type RunDocument, type RunEntry, type RunStatus } from '../../core/store/types';
import type { RunlogContext } from '../context';
import { decorateNotebookRunItem } from '../notebooks/runsTreeItem';
import type { RunsNode } from './targets';

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  interrupted: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('charts.yellow')),
  crashed: new vscode.ThemeIcon('flame', new vscode.ThemeColor('errorForeground')),
};

/**
 * The Runs view: runs grouped by experiment, newest first. It reads the in-memory index only and updates the nodes
 * of the runs that changed; a ticker refreshes the durations of running runs.
 */
export class RunsTree implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly runNodes = new Map<string, RunsNode & { kind: 'run' }>();
  private readonly experimentNodes = new Map<string, RunsNode & { kind: 'experiment' }>();
  /** Experiment and status of each run as last shown: a change of either moves the run, so the tree is rebuilt. */
  private readonly shape = new Map<string, string>();
  private ticker: NodeJS.Timeout | undefined;
  readonly view: vscode.TreeView<RunsNode>;

  constructor(private readonly ctx: RunlogContext) {
    this.view = ctx.own(
      vscode.window.createTreeView('runlog.runs', {
        treeDataProvider: this,
        canSelectMany: true,
        showCollapseAll: true,
      }),
    );
    ctx.own(this.changed);
    ctx.own(ctx.onDidChangeRuns((ids) => this.onRunsChanged(ids)));
    ctx.own(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('runlog.primaryMetric')) this.changed.fire(undefined);
      }),
    );
    ctx.own({ dispose: () => this.ticker && clearInterval(this.ticker) });
  }

  private onRunsChanged(ids: string[] | undefined): void {
    void this.ctx.index().then((index) => {
      if (!ids || !index) return this.changed.fire(undefined);
      const moved = ids.some((id) => {
        const entry = index.get(id);
        return !entry || !this.runNodes.has(id) || this.shape.get(id) !== shapeOf(entry);
      });
      if (moved) this.changed.fire(undefined);
      else for (const id of ids) this.changed.fire(this.runNodes.get(id));
    });
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    const index = await this.ctx.index();
    if (!index) return [];
    const entries = index.list();
    this.updateTicker(entries);
    if (!node) {
      // Experiments ordered by their newest run (entries are newest first).
      const names = [...new Set(entries.map(experimentOf))];
      return names.map((name) => this.experimentNode(name));
    }
    if (node.kind === 'run') return [];
    return entries.filter((entry) => experimentOf(entry) === node.name).map((entry) => this.runNode(entry));
  }

  async getTreeItem(node: RunsNode): Promise<vscode.TreeItem> {
    if (node.kind === 'experiment') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `experiment:${node.name}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'experiment';
      const runs =
        (await this.ctx.index())?.list().filter((entry) => experimentOf(entry) === node.name) ?? [];
      item.description = `${runs.length} run${runs.length === 1 ? '' : 's'}`;
      return item;
    }
    const entry = (await this.ctx.index())?.get(node.id);
    if (!entry) return new vscode.TreeItem(node.id);
    this.shape.set(entry.id, shapeOf(entry));
    return entry.kind === 'run' ? this.runItem(entry.doc) : unreadableItem(entry);
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.kind === 'experiment') return undefined;
    const entry = this.shape.get(node.id);
    return entry ? this.experimentNode(entry.split('\0')[0]) : undefined;
  }

  private runItem(doc: RunDocument): vscode.TreeItem {
    const item = new vscode.TreeItem(doc.name, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${doc.id}`;
    item.iconPath = STATUS_ICONS[doc.status];
    item.contextValue = `run.${doc.status}`;
    const parts = [formatDuration(runDuration(doc))];
    const metric = primaryMetric(doc, this.ctx.config.primaryMetric);
    if (metric) parts.push(`${metric[0]} ${formatValue(metric[1].last)}`);
    item.description = parts.filter(Boolean).join(' · ');
    item.tooltip = tooltipOf(doc);
    item.command = { command: 'runlog.showRunDetails', title: 'Show Run Details', arguments: [doc.id] };
    decorateNotebookRunItem(item, doc);
    return item;
  }

  private runNode(entry: RunEntry): RunsNode {
    let node = this.runNodes.get(entry.id);
    if (!node) this.runNodes.set(entry.id, (node = { kind: 'run', id: entry.id }));
    return node;
  }

  private experimentNode(name: string): RunsNode {
    let node = this.experimentNodes.get(name);
    if (!node) this.experimentNodes.set(name, (node = { kind: 'experiment', name }));
    return node;
  }

  /** While runs are running, their durations move: refresh those nodes every second. */
  private updateTicker(entries: readonly RunEntry[]): void {
    const anyRunning = entries.some(isRunning);
    if (anyRunning && !this.ticker) {
      this.ticker = setInterval(() => {
        void this.ctx.index().then((index) => {
          const running = index?.list().filter(isRunning) ?? [];
          if (running.length === 0 && this.ticker) {
            clearInterval(this.ticker);
            this.ticker = undefined;
          }
          for (const entry of running) this.changed.fire(this.runNodes.get(entry.id));
        });
      }, 1000);
    }
  }

  refresh(): void {
    this.changed.fire(undefined);
  }
}

function experimentOf(entry: RunEntry): string {
  return entry.kind === 'run' ? entry.doc.experiment : 'Unreadable runs';
}

function shapeOf(entry: RunEntry): string {
  return `${experimentOf(entry)}\0${entry.kind === 'run' ? entry.doc.status : 'unreadable'}`;
}

function unreadableItem(entry: RunEntry & { kind: 'unreadable' }): vscode.TreeItem {
  const item = new vscode.TreeItem(entry.id, vscode.TreeItemCollapsibleState.None);
  item.id = `run:${entry.id}`;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  item.description = `unreadable: ${entry.reason}`;
  item.tooltip = new vscode.MarkdownString(
    `**This run cannot be read.**\n\n${entry.reason}\n\nFolder: \`${entry.dir}\`\n\nOther runs are not affected.`,
  );
  item.contextValue = 'run.unreadable';
  return item;
}

function tooltipOf(doc: RunDocument): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(doc.name)}** — ${doc.status}\n\n`);
  md.appendMarkdown(`${escape(doc.experiment)} · started ${new Date(doc.startTime).toLocaleString()}\n\n`);
  const params = Object.entries(doc.params);
  if (params.length > 0) {
    md.appendMarkdown('| param | value |\n|---|---|\n');
    for (const [key, value] of params.slice(0, 30))
      md.appendMarkdown(`| ${escape(key)} | ${escape(String(value))} |\n`);
    if (params.length > 30) md.appendMarkdown(`\n…and ${params.length - 30} more params\n`);
  } else {
    md.appendMarkdown('_No params._\n');
  }
  const tags = Object.entries(doc.tags);
  if (tags.length > 0) md.appendMarkdown(`\nTags: ${tags.map(([k, v]) => `\`${k}=${v}\``).join(' ')}\n`);
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
