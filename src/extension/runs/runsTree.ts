import * as vscode from 'vscode';
import { formatDuration, formatValue, primaryMetric, runDuration } from '../../core/format';
import { arrangeRuns, isStarred, page, STAR_TAG, UNREADABLE_GROUP, type RunListing } from '../../core/query';
import { isRunning, type RunDocument, type RunEntry, type RunStatus } from '../../core/store/types';
import { metricGoals } from '../compare/goalsSetting';
import type { RunlogContext } from '../context';
import { RunsViewState } from './runsViewState';
import { runItemCommand } from './runItemCommand';
import { decorateNotebookRunItem } from '../notebooks/runsTreeItem';
import type { RunsNode } from './targets';

/** Runs shown per experiment before a "Show more…" node, and how many more each click shows. */
export const FIRST_PAGE = 50;
/** How many experiment groups (newest first) the Runs view opens by default. */
const OPEN_GROUPS = 3;
export const MORE_PAGE = 200;

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  interrupted: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('charts.yellow')),
  crashed: new vscode.ThemeIcon('flame', new vscode.ThemeColor('errorForeground')),
};

/**
 * The Runs view: runs grouped by experiment, newest first (or by name or primary metric), optionally filtered by a
 * query (docs/compare.md). It reads the in-memory index only and updates the nodes of the runs that changed; a
 * ticker refreshes the durations of running runs. Each group shows its first runs and a "Show more…" node, and
 * tooltips are built when hovered, so 10,000 runs cost about what a few hundred do.
 */
export class RunsTree implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly runNodes = new Map<string, RunsNode & { kind: 'run' }>();
  private readonly experimentNodes = new Map<string, RunsNode & { kind: 'experiment' }>();
  /** Experiment and status of each run as last shown: a change of either moves the run, so the tree is rebuilt. */
  private readonly shape = new Map<string, string>();
  private readonly moreNodes = new Map<string, RunsNode & { kind: 'more' }>();
  /** How many runs each experiment shows (FIRST_PAGE until "Show more…"). */
  private readonly limits = new Map<string, number>();
  private cached: { list: readonly RunEntry[]; key: string; listing: RunListing } | undefined;
  private ticker: NodeJS.Timeout | undefined;
  readonly view: vscode.TreeView<RunsNode>;
  readonly state: RunsViewState;

  constructor(private readonly ctx: RunlogContext) {
    this.view = ctx.own(
      vscode.window.createTreeView('runlog.runs', {
        treeDataProvider: this,
        canSelectMany: true,
        showCollapseAll: true,
      }),
    );
    ctx.own(this.changed);
    this.state = new RunsViewState(ctx.extension.workspaceState, () => {
      this.cached = undefined;
      this.limits.clear();
      this.describe();
      this.changed.fire(undefined);
    });
    ctx.own(ctx.onDidChangeRuns((ids) => this.onRunsChanged(ids)));
    ctx.own(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (
          event.affectsConfiguration('runlog.primaryMetric') ||
          event.affectsConfiguration('runlog.metricGoals')
        ) {
          this.cached = undefined;
          this.changed.fire(undefined);
        }
      }),
    );
    this.describe();
    ctx.own({ dispose: () => this.ticker && clearInterval(this.ticker) });
  }

  private onRunsChanged(ids: string[] | undefined): void {
    void this.ctx.indexNewest().then((index) => {
      if (!ids || !index) return this.changed.fire(undefined);
      // Forget removed runs: a run restored later (Undo of a delete, same id) is then a new node, not an in-place
      // change of a node the view no longer shows.
      for (const id of ids) {
        if (index.get(id)) continue;
        this.runNodes.delete(id);
        this.shape.delete(id);
      }
      // A filter or another sort may move or hide any changed run: rebuild (cheap, groups are paged).
      if (this.state.filter || this.state.sort !== 'start') return this.changed.fire(undefined);
      const moved = ids.some((id) => {
        const entry = index.get(id);
        return !entry || !this.runNodes.has(id) || this.shape.get(id) !== shapeOf(entry);
      });
      if (moved) this.changed.fire(undefined);
      else for (const id of ids) this.changed.fire(this.runNodes.get(id));
    });
  }

  /** The arranged listing, recomputed only when the index, the sort, the filter or a setting changed. */
  async listing(): Promise<RunListing | undefined> {
    const index = await this.ctx.indexNewest();
    if (!index) return undefined;
    const list = index.list();
    const key = `${this.state.sort}\0${this.state.filterText ?? ''}\0${this.ctx.config.primaryMetric}`;
    if (this.cached?.list !== list || this.cached.key !== key) {
      const listing = arrangeRuns(list, {
        filter: this.state.filter,
        sort: this.state.sort,
        metric: this.ctx.config.primaryMetric,
        goals: metricGoals(),
      });
      this.cached = { list, key, listing };
      this.describe();
    }
    return this.cached.listing;
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    const index = await this.ctx.indexNewest();
    const listing = await this.listing();
    if (!index || !listing) return [];
    this.updateTicker(index.list());
    if (!node) return listing.groups.map((group) => this.experimentNode(group.experiment));
    if (node.kind !== 'experiment') return [];
    const group = listing.groups.find((g) => g.experiment === node.name);
    if (!group) return [];
    const { items, remaining } = page(group.entries, this.limits.get(node.name) ?? FIRST_PAGE);
    const children: RunsNode[] = items.map((entry) => this.runNode(entry));
    if (remaining > 0) children.push(this.moreNode(node.name));
    return children;
  }

  async getTreeItem(node: RunsNode): Promise<vscode.TreeItem> {
    if (node.kind === 'experiment') {
      const groups = (await this.listing())?.groups ?? [];
      const rank = groups.findIndex((g) => g.experiment === node.name);
      // The newest experiments open, older ones closed: a store of many experiments shows what is current at once,
      // without building every group's rows. VS Code remembers what the user opens or closes (the id is stable).
      const item = new vscode.TreeItem(
        node.name,
        rank < OPEN_GROUPS || this.state.filter
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `experiment:${node.name}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'experiment';
      const count = groups[rank]?.entries.length ?? 0;
      item.description = `${count} run${count === 1 ? '' : 's'}${this.state.filter ? ' match' : ''}`;
      return item;
    }
    if (node.kind === 'more') {
      const group = (await this.listing())?.groups.find((g) => g.experiment === node.experiment);
      const shown = this.limits.get(node.experiment) ?? FIRST_PAGE;
      const remaining = Math.max(0, (group?.entries.length ?? 0) - shown);
      const item = new vscode.TreeItem(`Show ${Math.min(MORE_PAGE, remaining)} more…`);
      item.id = `more:${node.experiment}`;
      item.description = `${remaining} not shown`;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = 'more';
      item.command = {
        command: 'runlog.showMoreRuns',
        title: 'Show More Runs',
        arguments: [node.experiment],
      };
      return item;
    }
    const entry = (await this.ctx.indexNewest())?.get(node.id);
    if (!entry) return new vscode.TreeItem(node.id);
    this.shape.set(entry.id, shapeOf(entry));
    return entry.kind === 'run' ? this.runItem(entry.doc) : unreadableItem(entry);
  }

  /** Tooltips are built when hovered: a params table for each of 10,000 runs up front would cost seconds. */
  async resolveTreeItem(item: vscode.TreeItem, node: RunsNode): Promise<vscode.TreeItem> {
    if (node.kind !== 'run' || item.tooltip) return item;
    const entry = (await this.ctx.indexNewest())?.get(node.id);
    if (entry?.kind === 'run') item.tooltip = tooltipOf(entry.doc);
    return item;
  }

  /** "Show more…" of an experiment: the next page of its runs. */
  showMore(experiment: unknown): void {
    if (typeof experiment !== 'string') return;
    this.limits.set(experiment, (this.limits.get(experiment) ?? FIRST_PAGE) + MORE_PAGE);
    this.changed.fire(this.experimentNodes.get(experiment));
  }

  /** The view's description and message say how runs are filtered and sorted. */
  private describe(): void {
    const parts: string[] = [];
    if (this.state.filterText) parts.push(`filter: ${this.state.filterText}`);
    if (this.state.sort === 'name') parts.push('by name');
    if (this.state.sort === 'metric') parts.push(`by ${this.cached?.listing.metric ?? 'primary metric'}`);
    this.view.description = parts.length ? parts.join(' · ') : undefined;
    const listing = this.cached?.listing;
    this.view.message =
      this.state.filter && listing
        ? listing.shown === 0
          ? `No run matches ${this.state.filterText}. Clear the filter to see all ${listing.total} runs.`
          : `${listing.shown} of ${listing.total} runs match the filter.`
        : undefined;
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.kind === 'experiment') return undefined;
    if (node.kind === 'more') return this.experimentNode(node.experiment);
    const entry = this.shape.get(node.id);
    return entry ? this.experimentNode(entry.split('\0')[0]) : undefined;
  }

  private runItem(doc: RunDocument): vscode.TreeItem {
    const item = new vscode.TreeItem(doc.name, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${doc.id}`;
    item.iconPath = STATUS_ICONS[doc.status];
    const starred = isStarred(doc);
    item.contextValue = `run.${doc.status}`;
    const parts = [formatDuration(runDuration(doc))];
    const metric = primaryMetric(doc, this.ctx.config.primaryMetric);
    if (metric) parts.push(`${metric[0]} ${formatValue(metric[1].last)}`);
    const tags = tagsText(doc);
    if (tags) parts.push(tags);
    item.description = (starred ? '★ ' : '') + parts.filter(Boolean).join(' · ');
    // No arguments on purpose: VS Code drops a command-with-arguments when a live item refreshes (runItemCommand.ts).
    item.command = runItemCommand();
    decorateNotebookRunItem(item, doc);
    return item;
  }

  private runNode(entry: RunEntry): RunsNode {
    let node = this.runNodes.get(entry.id);
    if (!node) this.runNodes.set(entry.id, (node = { kind: 'run', id: entry.id }));
    return node;
  }

  private moreNode(experiment: string): RunsNode {
    let node = this.moreNodes.get(experiment);
    if (!node) this.moreNodes.set(experiment, (node = { kind: 'more', experiment }));
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
        void this.ctx.indexNewest().then((index) => {
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
  return entry.kind === 'run' ? entry.doc.experiment : UNREADABLE_GROUP;
}

/** Tags in a run's description: `stage=tuned`, or the key alone for `key=true`; the star has its own mark. */
export function tagsText(doc: RunDocument, max = 4): string {
  const tags = Object.entries(doc.tags)
    .filter(([key, value]) => key !== STAR_TAG && value !== '')
    .map(([key, value]) => (value === 'true' ? key : `${key}=${value}`));
  if (tags.length === 0) return '';
  return tags.slice(0, max).join(', ') + (tags.length > max ? ` +${tags.length - max}` : '');
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
