import * as vscode from 'vscode';
import { diffVersions } from '../../core/datasets/diff';
import { addRowSamples } from '../../core/datasets/rowSample';
import { isHex64, hexOf, shortDigest } from '../../core/datasets/digests';
import { DatasetStore, VersionUnavailableError } from '../../core/datasets/versionStore';
import {
  isFromDatasetDiffWebview,
  type DatasetDiffView,
  type FromDatasetDiffWebview,
  type ToDatasetDiffWebview,
} from '../../../webview/datasetDiff/contract';
import type { RunlogContext } from '../context';
import { PanelHost } from '../webview/panelHost';
import { registerPage } from '../webview/pages';
import { datasetSettings } from './settings';

/** Changed files sent to the page at most (a 100,000-file diff stays a small message; the CLI's --json has all). */
const MAX_FILES = 2000;

interface DiffArgs {
  a: string;
  b: string;
}

function parseArgs(args: unknown): DiffArgs | undefined {
  const value = args as Partial<DiffArgs> | undefined;
  const ok = (d: unknown) => typeof d === 'string' && d.startsWith('sha256:') && isHex64(hexOf(d));
  return value && ok(value.a) && ok(value.b) ? { a: value.a!, b: value.b! } : undefined;
}

/** The Compare Dataset Versions panels (webview page `datasetDiff`), one per pair of versions. */
export class DatasetDiffPanels {
  private readonly panels = new Map<string, PanelHost<ToDatasetDiffWebview, FromDatasetDiffWebview>>();
  private readonly sent = new Map<string, ToDatasetDiffWebview>();

  /** Names a version for titles: the dataset name and short digest, as the Datasets view shows it. */
  labelOf: (digest: string) => Promise<string> = (digest) => Promise.resolve(shortDigest(digest));
  /** Where a version's content may still be on disk (the paths it was logged or tracked from): for row samples. */
  rootsOf: (digest: string) => Promise<string[]> = () => Promise.resolve([]);
  /** Key columns chosen on each pair's page, by file. */
  private readonly keys = new Map<string, Record<string, string>>();

  constructor(private readonly ctx: RunlogContext) {
    registerPage(ctx, 'datasetDiff', (panel, args) => {
      const parsed = parseArgs(args);
      if (parsed) this.create(parsed, panel);
      else panel.dispose();
    });
  }

  open(a: string, b: string): PanelHost<ToDatasetDiffWebview, FromDatasetDiffWebview> {
    const existing = this.panels.get(`${a} ${b}`);
    if (existing) {
      existing.reveal();
      return existing;
    }
    return this.create({ a, b });
  }

  /** The open panel of a pair, if any (for tests). */
  get(a: string, b: string): PanelHost<ToDatasetDiffWebview, FromDatasetDiffWebview> | undefined {
    return this.panels.get(`${a} ${b}`);
  }

  private create(args: DiffArgs, panel?: vscode.WebviewPanel) {
    const host = new PanelHost<ToDatasetDiffWebview, FromDatasetDiffWebview>(this.ctx, {
      page: 'datasetDiff',
      title: `Dataset ${shortDigest(args.a)} → ${shortDigest(args.b)}`,
      args,
      isFromWebview: isFromDatasetDiffWebview,
      panel,
    });
    const key = `${args.a} ${args.b}`;
    this.panels.set(key, host);
    host.onDidDispose(() => {
      this.panels.delete(key);
      this.sent.delete(key);
      this.keys.delete(key);
    });
    host.onDidReceiveMessage((message) => {
      if (message.type === 'ready') void this.send(host, args);
      else if (message.type === 'chooseKey') {
        this.keys.set(key, { ...this.keys.get(key), [message.path]: message.key });
        void this.send(host, args);
      } else void vscode.commands.executeCommand(message.command, ...message.args);
    });
    return host;
  }

  /** What the page of a pair was last sent, after it said it was ready (for tests). */
  lastSent(a: string, b: string): ToDatasetDiffWebview | undefined {
    return this.sent.get(`${a} ${b}`);
  }

  private async send(
    host: PanelHost<ToDatasetDiffWebview, FromDatasetDiffWebview>,
    args: DiffArgs,
  ): Promise<void> {
    let message: ToDatasetDiffWebview;
    try {
      const [labelA, labelB] = await Promise.all([this.labelOf(args.a), this.labelOf(args.b)]);
      host.title = `${labelA} → ${labelB}`;
      message = { type: 'show', view: await this.view(args, labelA, labelB) };
    } catch (error) {
      const text =
        error instanceof VersionUnavailableError
          ? error.message
          : `Runlog could not compare: ${(error as Error).message}`;
      this.ctx.log.warn(`dataset diff ${args.a} ${args.b}: ${text}`);
      message = { type: 'error', message: text };
    }
    host.post(message);
    this.sent.set(`${args.a} ${args.b}`, message);
  }

  private async view(args: DiffArgs, labelA: string, labelB: string): Promise<DatasetDiffView> {
    const store = new DatasetStore(this.ctx.requireStore().root);
    const [a, b] = [store.readVersion(args.a), store.readVersion(args.b)];
    const [rootsA, rootsB] = await Promise.all([this.rootsOf(args.a), this.rootsOf(args.b)]);
    // the row samples read both contents (when still on disk) in 1 MB async reads: the extension host stays responsive
    const diff = await addRowSamples(
      diffVersions(a, b, datasetSettings.driftThresholds),
      a,
      b,
      { a: rootsA, b: rootsB },
      { keys: this.keys.get(`${args.a} ${args.b}`) },
    );
    const filesOmitted = Math.max(0, diff.files.length - MAX_FILES);
    return { labelA, labelB, diff: { ...diff, files: diff.files.slice(0, MAX_FILES) }, filesOmitted };
  }
}
