import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatDuration, primaryMetric, runDuration } from '../../core/format';
import { MetricsTail } from '../../core/store/metricsReader';
import { OutputTail } from '../../core/store/outputReader';
import type { MetricPoint, RunDocument } from '../../core/store/types';
import { encodeNumber } from '../../core/store/values';
import {
  isFromDetailsWebview,
  type FromDetailsWebview,
  type PointTuple,
  type RunDetailsView,
  type ToDetailsWebview,
} from '../../../webview/contract';
import type { RunlogContext } from '../context';
import { UserError } from '../context';
import { runTargets } from './targets';

/** Opens one details panel per run and keeps each live while its run writes. */
export class RunDetailsPanels {
  private readonly panels = new Map<string, RunDetailsPanel>();

  constructor(private readonly ctx: RunlogContext) {
    ctx.own({ dispose: () => [...this.panels.values()].forEach((panel) => panel.dispose()) });
  }

  async show(node?: unknown): Promise<void> {
    const [entry] = await runTargets(this.ctx, node, undefined, { placeHolder: 'Run to show' });
    if (!entry) return;
    if (entry.kind !== 'run') throw new UserError(`Run ${entry.id} cannot be read: ${entry.reason}`);
    const open = this.panels.get(entry.id);
    if (open) return open.reveal();
    const panel = new RunDetailsPanel(this.ctx, entry.doc, entry.dir, () => this.panels.delete(entry.id));
    this.panels.set(entry.id, panel);
  }

  /** The panel of a run, if open (for tests and for commands that act on "this run"). */
  get(id: string): RunDetailsPanel | undefined {
    return this.panels.get(id);
  }
}

class RunDetailsPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly metrics: MetricsTail;
  private readonly output: OutputTail;
  private ready = false;
  private pumping: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: RunlogContext,
    private doc: RunDocument,
    private readonly dir: string,
    onDispose: () => void,
  ) {
    this.metrics = new MetricsTail(path.join(dir, 'metrics.jsonl'));
    this.output = new OutputTail(path.join(dir, 'output.log'));
    const webviewRoot = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(
      'runlog.runDetails',
      `Run: ${doc.name}`,
      vscode.ViewColumn.Active,
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [webviewRoot] },
    );
    this.panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'runlog.svg');
    this.panel.webview.html = html(this.panel.webview, webviewRoot);
    this.disposables.push(
      this.panel.onDidDispose(() => {
        onDispose();
        this.dispose();
      }),
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      ctx.onDidChangeRuns((ids) => {
        if (!ids || ids.includes(doc.id)) this.pump(true);
      }),
      ctx.onDidWriteRunFiles((ids) => {
        if (ids.includes(doc.id)) this.pump(false);
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  private async receive(message: unknown): Promise<void> {
    if (!isFromDetailsWebview(message)) {
      this.ctx.log.warn(
        `details webview sent an unexpected message, ignored: ${JSON.stringify(message)?.slice(0, 200)}`,
      );
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      this.ctx.reportError(error, `details ${message.type}`);
    }
  }

  private async handle(message: FromDetailsWebview): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        // Start over: a reloaded webview needs everything again.
        this.metrics.reset();
        this.output.reset();
        const [points, output] = await Promise.all([this.metrics.readNew(), this.output.readNew()]);
        this.post({
          type: 'setRun',
          view: this.view(),
          points: tuples(points),
          output: output.text,
          outputTruncated: output.truncated,
        });
        return;
      }
      case 'runCommand':
        await vscode.commands.executeCommand(message.command, this.doc.id);
        return;
      case 'openFile': {
        // Only files inside this run's folder may be opened.
        const target = path.resolve(this.dir, message.relativePath);
        if (!target.startsWith(this.dir + path.sep))
          throw new UserError('Runlog only opens files inside the run folder.');
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(target));
        return;
      }
    }
  }

  /** Sends what changed since the last message; serialised so points are never sent twice or out of order. */
  private pump(documentChanged: boolean): void {
    this.pumping = this.pumping
      .then(async (): Promise<void> => {
        if (!this.ready) return;
        if (documentChanged) {
          const entry = (await this.ctx.index())?.get(this.doc.id);
          if (!entry) {
            this.panel.dispose(); // the run was deleted
            return;
          }
          if (entry.kind === 'run') {
            this.doc = entry.doc;
            this.panel.title = `Run: ${entry.doc.name}`;
            this.post({ type: 'updateRun', view: this.view() });
          }
        }
        const [points, output] = await Promise.all([this.metrics.readNew(), this.output.readNew()]);
        if (points.length > 0) this.post({ type: 'appendPoints', points: tuples(points) });
        if (output.text) this.post({ type: 'appendOutput', text: output.text });
      })
      .catch((error: unknown) => this.ctx.log.warn(`details of ${this.doc.id}: ${String(error)}`));
  }

  private view(): RunDetailsView {
    return {
      run: this.doc,
      duration: formatDuration(runDuration(this.doc)),
      primaryMetric: primaryMetric(this.doc, this.ctx.config.primaryMetric)?.[0],
    };
  }

  private post(message: ToDetailsWebview): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}

function tuples(points: MetricPoint[]): Record<string, PointTuple[]> {
  const byKey: Record<string, PointTuple[]> = {};
  for (const point of points)
    (byKey[point.key] ??= []).push([point.step, encodeNumber(point.value), point.time]);
  return byKey;
}

function html(webview: vscode.Webview, root: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'details.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'details.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Run details</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
