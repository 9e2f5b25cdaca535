import * as vscode from 'vscode';
import { readAudit } from '../../core/promote/audit';
import { formatValue } from '../../core/format';
import { formatReference, parseRepository } from '../../core/promote/reference';
import { listRegistryVersions, type RegistryVersion } from '../../core/promote/registryVersions';
import { registryCredentials } from '../../core/promote/secrets';
import type { Target } from '../../core/promote/targets';
import type { RunlogContext } from '../context';
import type { PromoteFlow } from '../promote/promoteFlow';
import { loadTargets } from '../promote/workspaceTargets';

/** Nodes of the Registry view, as its context-menu commands receive them. */
export type RegistryNode =
  | { kind: 'target'; target: Target }
  | { kind: 'version'; target: Target; version: RegistryVersion }
  | { kind: 'message'; text: string; detail?: string };

/**
 * The Registry view: the workspace's promotion targets → the versions in each repository (tag, digest, run, date,
 * key metrics) with alias badges and the last pipeline result from the audit log. Empty without a targets file,
 * so the welcome content explains how to start.
 */
export class RegistryTree implements vscode.TreeDataProvider<RegistryNode> {
  private readonly changed = new vscode.EventEmitter<RegistryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly cache = new Map<string, Promise<RegistryVersion[]>>();

  constructor(
    private readonly ctx: RunlogContext,
    private readonly flow: PromoteFlow,
  ) {
    ctx.own(this.changed);
    ctx.own(vscode.window.registerTreeDataProvider('runlog.registry', this));
    ctx.own(flow.onDidChange(() => this.refresh()));
    const watcher = ctx.own(
      vscode.workspace.createFileSystemWatcher('**/{runlog.targets.json,.vscode/runlog-targets.json}'),
    );
    watcher.onDidChange(() => this.refresh());
    watcher.onDidCreate(() => this.refresh());
    watcher.onDidDelete(() => this.refresh());
  }

  refresh(): void {
    this.cache.clear();
    this.changed.fire(undefined);
  }

  /** The versions of a target (cached until the next refresh); for tests and other commands too. */
  versions(target: Target): Promise<RegistryVersion[]> {
    let versions = this.cache.get(target.name);
    if (!versions) {
      versions = (async () => {
        const credentials = await registryCredentials(this.flow.secrets, target.name);
        const store = this.ctx.store;
        const audit = store ? await readAudit(store.root) : [];
        return listRegistryVersions(this.flow.client(target, credentials), audit);
      })();
      this.cache.set(target.name, versions);
    }
    return versions;
  }

  async getChildren(node?: RegistryNode): Promise<RegistryNode[]> {
    if (!node) {
      try {
        return loadTargets().targets.map((target) => ({ kind: 'target', target }));
      } catch (error) {
        return [
          { kind: 'message', text: 'The targets file cannot be read', detail: (error as Error).message },
        ];
      }
    }
    if (node.kind !== 'target') return [];
    try {
      const versions = await this.versions(node.target);
      if (versions.length === 0)
        return [{ kind: 'message', text: 'No versions yet: promote a run to this target' }];
      return versions.map((version) => ({ kind: 'version', target: node.target, version }));
    } catch (error) {
      this.cache.delete(node.target.name);
      return [{ kind: 'message', text: 'Cannot read this registry', detail: (error as Error).message }];
    }
  }

  getTreeItem(node: RegistryNode): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text);
      item.description = node.detail;
      item.tooltip = node.detail;
      item.iconPath = new vscode.ThemeIcon(node.detail ? 'warning' : 'info');
      return item;
    }
    if (node.kind === 'target') {
      const { target } = node;
      const item = new vscode.TreeItem(target.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = target.registry;
      item.iconPath = new vscode.ThemeIcon('package');
      item.contextValue = 'registryTarget';
      item.tooltip = new vscode.MarkdownString(
        [
          `**${target.name}**: \`${target.registry}\``,
          target.gates.length ? `Gates: ${target.gates.map((g) => `\`${g}\``).join(', ')}` : 'No gates',
          target.pipeline ? `Pipeline: ${target.pipeline.type}` : 'No pipeline',
        ].join('\n\n'),
      );
      return item;
    }
    const { version, target } = node;
    const item = new vscode.TreeItem(version.tag);
    const metrics = Object.entries(version.metrics)
      .slice(0, 3)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(' ');
    const pipeline = version.lastPipeline;
    const pipelineFailed = pipeline !== undefined && !pipeline.ok;
    item.description = [
      version.aliases.map((a) => `[${a}]`).join(' '),
      pipelineFailed ? 'pipeline failed' : '',
      version.runName ?? version.runId,
      metrics,
      version.created?.slice(0, 10),
    ]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      pipeline ? (pipeline.ok ? 'pass' : 'error') : version.aliases.length ? 'tag' : 'versions',
      pipeline && !pipeline.ok ? new vscode.ThemeColor('testing.iconFailed') : undefined,
    );
    // registryVersion[.run][.pipelineFailed]: the menus offer Open Run and Retry Pipeline where they apply.
    item.contextValue = `registryVersion${version.runId ? '.run' : ''}${pipelineFailed ? '.pipelineFailed' : ''}`;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${version.tag}** of \`${target.registry}\``,
        `Digest: \`${version.digest}\``,
        version.aliases.length ? `Aliases: ${version.aliases.join(', ')}` : '',
        version.runId ? `Run: ${version.runName ?? ''} (\`${version.runId}\`)` : '',
        version.created ? `Created: ${version.created}` : '',
        metrics ? `Metrics: ${metrics}` : '',
        pipeline ? `Last pipeline: ${pipeline.status}: ${pipeline.message} (${pipeline.at})` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    return item;
  }
}

export function referenceOf(node: RegistryNode): string | undefined {
  if (node.kind !== 'version') return undefined;
  return formatReference(parseRepository(node.target.registry), node.version.digest);
}
