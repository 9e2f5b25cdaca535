import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CatalogVersion } from '../../core/datasets/catalog';
import { fullDigest, isHex64, hexOf, shortDigest } from '../../core/datasets/digests';
import { formatBytes } from '../../core/datasets/format';
import { resolveVersionReference, VersionReferenceError } from '../../core/datasets/references';
import { DatasetStore } from '../../core/datasets/versionStore';
import { UserError, type RunlogContext } from '../context';
import { DatasetDiffPanels } from './diffPanel';
import { DatasetsTree, type DatasetNode } from './datasetsTree';
import { trackDataset } from './trackDataset';

/** The Datasets view and every dataset command (package.json lists them; interfaces §7 for compare's arguments). */
export function registerDatasetCommands(ctx: RunlogContext): {
  tree: DatasetsTree;
  panels: DatasetDiffPanels;
} {
  const tree = new DatasetsTree(ctx);
  const panels = new DatasetDiffPanels(ctx);
  const commands = new DatasetCommands(ctx, tree, panels);
  panels.labelOf = async (digest) => {
    const names = (await tree.datasets())
      .filter((d) => d.versions.some((v) => v.digest === digest))
      .map((d) => d.name);
    return names.length ? `${names.join(', ')} @ ${shortDigest(digest)}` : shortDigest(digest);
  };
  panels.rootsOf = async (digest) =>
    (await tree.datasets()).flatMap((d) =>
      d.versions.filter((v) => v.digest === digest).flatMap((v) => v.paths),
    );
  ctx.registerCommand('runlog.trackDataset', async (uri?: unknown) => {
    const result = await trackDataset(ctx, uri);
    tree.refresh();
    return result;
  });
  ctx.registerCommand('runlog.compareDatasetVersions', (a?: unknown, b?: unknown) => commands.compare(a, b));
  ctx.registerCommand('runlog.showDatasetVersionRuns', (node?: unknown) => commands.showRuns(node));
  ctx.registerCommand('runlog.copyDatasetDigest', (node?: unknown) => commands.copyDigest(node));
  ctx.registerCommand('runlog.revealDataset', (node?: unknown) => commands.reveal(node));
  ctx.registerCommand('runlog.refreshDatasets', () => tree.refresh());
  return { tree, panels };
}

type VersionNode = DatasetNode & { kind: 'version' };

function isVersionNode(value: unknown): value is VersionNode {
  const node = value as Partial<VersionNode> | undefined;
  return node?.kind === 'version' && typeof node.name === 'string' && typeof node.digest === 'string';
}

class DatasetCommands {
  constructor(
    private readonly ctx: RunlogContext,
    private readonly tree: DatasetsTree,
    private readonly panels: DatasetDiffPanels,
  ) {}

  private async versions(): Promise<CatalogVersion[]> {
    return (await this.tree.datasets()).flatMap((d) => d.versions);
  }

  /** A version reference (digest, hex prefix ≥ 8, `<run>:<name>`) or a Datasets view node, as `sha256:<hex>`. */
  private async resolve(ref: unknown): Promise<string> {
    if (isVersionNode(ref)) return fullDigest(ref.digest);
    if (typeof ref !== 'string')
      throw new UserError('Compare Dataset Versions needs version references (digests).');
    const store = this.ctx.requireStore();
    const index = await this.ctx.index();
    const known = [
      ...new DatasetStore(store.root).listVersionDigests(),
      ...(await this.versions()).map((v) => hexOf(v.digest)),
    ];
    try {
      return await resolveVersionReference(ref, {
        knownDigests: known,
        resolveRun: async (runRef) =>
          (await store.resolve(runRef)).flatMap((e) => {
            const fresh = index?.get(e.id) ?? e;
            return fresh.kind === 'run' ? [fresh.doc] : [];
          }),
      });
    } catch (error) {
      if (error instanceof VersionReferenceError) throw new UserError(error.message);
      throw error;
    }
  }

  private async pick(
    placeHolder: string,
    exclude?: string,
    preferName?: string,
  ): Promise<string | undefined> {
    const versions = (await this.versions()).filter((v) => v.digest !== exclude);
    if (versions.length === 0)
      throw new UserError(
        'There is no other dataset version to compare with. Track a dataset or log one from a run.',
      );
    versions.sort((x, y) => Number(y.name === preferName) - Number(x.name === preferName));
    const items = versions.map((v) => ({
      label: `${v.name} ${shortDigest(v.digest)}`,
      description: [new Date(v.firstSeen).toLocaleString(), formatBytes(v.size), runsLabel(v)]
        .filter(Boolean)
        .join(' · '),
      detail: v.paths[0],
      digest: v.digest,
    }));
    return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }))?.digest;
  }

  async compare(a?: unknown, b?: unknown): Promise<void> {
    const first =
      a === undefined
        ? await this.pick('Older version (the baseline of the comparison)')
        : await this.resolve(a);
    if (!first) return;
    const name = isVersionNode(a) ? a.name : (await this.versions()).find((v) => v.digest === first)?.name;
    const second =
      b === undefined
        ? await this.pick(`Compare ${shortDigest(first)} with…`, first, name)
        : await this.resolve(b);
    if (!second) return;
    if (b === undefined && a !== undefined) {
      // "Compare this version with…": the user picked a partner, not a direction. Read it as a change over time,
      // older → newer (Swap on the page turns it round); explicit (a, b) arguments keep their order.
      const seen = new Map(
        (await this.versions()).map((v) => [fullDigest(v.digest), Date.parse(v.firstSeen)]),
      );
      if ((seen.get(fullDigest(second)) ?? 0) < (seen.get(fullDigest(first)) ?? 0)) {
        this.panels.open(second, first);
        return;
      }
    }
    this.panels.open(first, second);
  }

  private async node(node: unknown, placeHolder: string): Promise<CatalogVersion | undefined> {
    if (isVersionNode(node)) return this.tree.version(node);
    if (typeof node === 'string') {
      const digest = await this.resolve(node);
      return (await this.versions()).find((v) => v.digest === digest);
    }
    const digest = await this.pick(placeHolder);
    return digest ? (await this.versions()).find((v) => v.digest === digest) : undefined;
  }

  async showRuns(node?: unknown): Promise<void> {
    const version = await this.node(node, 'Version whose runs to show');
    if (!version) return;
    const runs = [...new Map(version.runs.map((r) => [r.runId, r])).values()];
    if (runs.length === 0)
      throw new UserError(
        `No run used ${version.name} @ ${shortDigest(version.digest)} (it was tracked without a run).`,
      );
    const chosen =
      runs.length === 1
        ? runs[0]
        : await vscode.window
            .showQuickPick(
              runs.map((r) => ({ label: r.runName, description: `${r.role} · ${r.runId}`, run: r })),
              { placeHolder: `Runs that used ${version.name} @ ${shortDigest(version.digest)}` },
            )
            .then((item) => item?.run);
    if (chosen) await vscode.commands.executeCommand('runlog.showRunDetails', chosen.runId);
  }

  async copyDigest(node?: unknown): Promise<void> {
    const digest = isVersionNode(node)
      ? fullDigest(node.digest)
      : typeof node === 'string' && isHex64(hexOf(node))
        ? fullDigest(node)
        : (await this.node(node, 'Version whose digest to copy'))?.digest;
    if (!digest) return;
    await vscode.env.clipboard.writeText(digest);
    void vscode.window.setStatusBarMessage(`Copied ${digest}`, 3000);
  }

  async reveal(node?: unknown): Promise<void> {
    const version = await this.node(node, 'Version to reveal');
    if (!version) return;
    const where = version.paths.find((p) => existsSync(p));
    if (!where)
      throw new UserError(
        `${version.name} is no longer at ${version.paths[0] ?? 'its recorded path'}; its version record stays in the store, so it can still be compared.`,
      );
    const uri = vscode.Uri.file(where);
    if (vscode.workspace.getWorkspaceFolder(uri))
      await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  }
}

function runsLabel(v: CatalogVersion): string {
  const runs = new Set(v.runs.map((r) => r.runId)).size;
  return runs ? `${runs} run${runs === 1 ? '' : 's'}` : v.tracked ? 'tracked' : '';
}
