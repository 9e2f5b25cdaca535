import * as vscode from 'vscode';
import type { RunlogContext } from '../context';

type DatasetNode = { kind: 'dataset'; name: string } | { kind: 'version'; name: string; digest: string };

/** The Datasets view: every dataset the runs logged, by name, with each version (digest) and the runs that used it. */
export class DatasetsTree implements vscode.TreeDataProvider<DatasetNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly ctx: RunlogContext) {
    ctx.own(this.changed);
    ctx.own(vscode.window.registerTreeDataProvider('runlog.datasets', this));
    ctx.own(ctx.onDidChangeRuns(() => this.changed.fire()));
  }

  private async usages() {
    const index = await this.ctx.index();
    return (index?.list() ?? []).flatMap((entry) =>
      entry.kind === 'run' ? entry.doc.datasets.map((dataset) => ({ dataset, run: entry.doc })) : [],
    );
  }

  async getChildren(node?: DatasetNode): Promise<DatasetNode[]> {
    const usages = await this.usages();
    if (!node)
      return [...new Set(usages.map((u) => u.dataset.name))].map((name) => ({ kind: 'dataset', name }));
    if (node.kind === 'version') return [];
    const digests = usages.filter((u) => u.dataset.name === node.name).map((u) => u.dataset.digest);
    return [...new Set(digests)].map((digest) => ({ kind: 'version', name: node.name, digest }));
  }

  async getTreeItem(node: DatasetNode): Promise<vscode.TreeItem> {
    const usages = (await this.usages()).filter((u) => u.dataset.name === node.name);
    if (node.kind === 'dataset') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon('database');
      item.description = usages[0]?.dataset.path;
      return item;
    }
    const versionUsages = usages.filter((u) => u.dataset.digest === node.digest);
    const item = new vscode.TreeItem(node.digest.slice(0, 12), vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('versions');
    const runs = [...new Set(versionUsages.map((u) => u.run.name))];
    item.description = `${runs.length} run${runs.length === 1 ? '' : 's'}`;
    item.tooltip = `${node.name} @ ${node.digest}\nUsed by: ${runs.join(', ')}`;
    return item;
  }
}
