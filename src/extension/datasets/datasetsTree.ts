import * as vscode from 'vscode';
import { buildCatalog, type CatalogDataset, type CatalogVersion } from '../../core/datasets/catalog';
import { shortDigest } from '../../core/datasets/digests';
import { formatBytes } from '../../core/datasets/format';
import { DatasetStore } from '../../core/datasets/versionStore';
import type { RunlogContext } from '../context';

/** A node of the Datasets view, as its commands receive it. */
export type DatasetNode =
  | { kind: 'dataset'; name: string }
  | { kind: 'version'; name: string; digest: string }
  | { kind: 'use'; name: string; digest: string; runId: string };

/** The Datasets view: datasets by name → versions (short digest, date, size, runs) → the runs that used each. */
export class DatasetsTree implements vscode.TreeDataProvider<DatasetNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private catalog: Promise<CatalogDataset[]> | undefined;

  constructor(private readonly ctx: RunlogContext) {
    ctx.own(this.changed);
    ctx.own(
      vscode.window.createTreeView('runlog.datasets', { treeDataProvider: this, showCollapseAll: true }),
    );
    ctx.own(ctx.onDidChangeRuns(() => this.refresh()));
    this.watchTracked();
    ctx.own(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('runlog.storePath')) {
          this.watchTracked();
          this.refresh();
        }
      }),
    );
  }

  private trackedWatcher: vscode.FileSystemWatcher | undefined;

  /** Track Dataset… may run in another window or the CLI: follow the log it appends to. */
  private watchTracked(): void {
    this.trackedWatcher?.dispose();
    const root = this.ctx.config.storeRoot;
    if (!root) return;
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(root), 'datasets/tracked.jsonl'),
    );
    watcher.onDidChange(() => this.refresh());
    watcher.onDidCreate(() => this.refresh());
    watcher.onDidDelete(() => this.refresh());
    this.trackedWatcher = this.ctx.own(watcher);
  }

  refresh(): void {
    this.catalog = undefined;
    this.changed.fire();
  }

  /** Every dataset with its versions (newest first), from the runs and the Track Dataset… log. */
  datasets(): Promise<CatalogDataset[]> {
    this.catalog ??= (async () => {
      const index = await this.ctx.index();
      const store = this.ctx.store;
      if (!index || !store) return [];
      const runs = index.list().flatMap((e) => (e.kind === 'run' ? [e.doc] : []));
      return buildCatalog(runs, new DatasetStore(store.root).readTracked());
    })();
    return this.catalog;
  }

  async version(node: { name: string; digest: string }): Promise<CatalogVersion | undefined> {
    return (await this.datasets())
      .find((d) => d.name === node.name)
      ?.versions.find((v) => v.digest === node.digest);
  }

  async getChildren(node?: DatasetNode): Promise<DatasetNode[]> {
    const datasets = await this.datasets();
    if (!node) return datasets.map((d) => ({ kind: 'dataset', name: d.name }));
    if (node.kind === 'dataset') {
      const versions = datasets.find((d) => d.name === node.name)?.versions ?? [];
      return versions.map((v) => ({ kind: 'version', name: node.name, digest: v.digest }));
    }
    if (node.kind === 'version') {
      const runs = (await this.version(node))?.runs ?? [];
      return [...new Set(runs.map((r) => r.runId))].map((runId) => ({
        kind: 'use',
        name: node.name,
        digest: node.digest,
        runId,
      }));
    }
    return [];
  }

  async getTreeItem(node: DatasetNode): Promise<vscode.TreeItem> {
    if (node.kind === 'dataset') {
      const dataset = (await this.datasets()).find((d) => d.name === node.name);
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon('database');
      const count = dataset?.versions.length ?? 0;
      item.description = `${count} version${count === 1 ? '' : 's'}`;
      item.tooltip = dataset?.versions[0]?.paths[0];
      item.contextValue = 'runlog.dataset';
      item.id = `dataset:${node.name}`;
      return item;
    }
    const version = await this.version(node);
    if (node.kind === 'use') {
      const use = version?.runs.filter((r) => r.runId === node.runId) ?? [];
      const item = new vscode.TreeItem(use[0]?.runName ?? node.runId, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('play-circle');
      item.description = use.map((u) => u.role).join(', ');
      item.tooltip = `Run ${node.runId} used ${node.name} @ ${shortDigest(node.digest)}`;
      item.command = { command: 'runlog.showRunDetails', title: 'Show Run Details', arguments: [node.runId] };
      item.contextValue = 'runlog.datasetUse';
      item.id = `use:${node.name}:${node.digest}:${node.runId}`;
      return item;
    }
    const runs = new Set(version?.runs.map((r) => r.runId));
    const item = new vscode.TreeItem(
      shortDigest(node.digest),
      runs.size ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.iconPath = new vscode.ThemeIcon('versions');
    if (version) {
      const date = version.firstSeen ? new Date(version.firstSeen).toLocaleString() : '';
      const used = runs.size
        ? `${runs.size} run${runs.size === 1 ? '' : 's'}`
        : version.tracked
          ? 'tracked'
          : '';
      item.description = [date, formatBytes(version.size), used].filter(Boolean).join(' · ');
      item.tooltip = new vscode.MarkdownString(
        [
          `**${node.name}** \`${node.digest}\``,
          `${formatBytes(version.size)} in ${version.files} file${version.files === 1 ? '' : 's'}, first seen ${date}`,
          version.paths.length ? `Path: ${version.paths[0]}` : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
      );
    }
    item.contextValue = 'runlog.datasetVersion';
    item.id = `version:${node.name}:${node.digest}`;
    return item;
  }
}
