import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunlogContext } from '../context';

export interface PanelOptions<From> {
  /**
   * The page: its code is `webview/<page>/main.ts`, bundled to `dist/webview/<page>.js` (and `<page>.css` when the
   * page imports CSS); its VS Code view type is `runlog.<page>`.
   */
  page: string;
  title: string;
  /** What the panel shows (JSON): saved with the panel so a window reload brings the same page back. */
  args: unknown;
  /** The page contract's validator for messages from the webview. */
  isFromWebview: (message: unknown) => message is From;
  column?: vscode.ViewColumn;
  /** A panel VS Code restored after a reload (from the page's serializer); a new one is created otherwise. */
  panel?: vscode.WebviewPanel;
}

/**
 * One webview panel of any Runlog page: creation, the Content-Security-Policy (nonce, no eval), resource roots,
 * typed messages both ways (validated on arrival), revival data and disposal. Pages only add what they show.
 */
export class PanelHost<To, From> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly received = new vscode.EventEmitter<From>();
  private readonly disposed = new vscode.EventEmitter<void>();
  private isDisposed = false;

  /** Messages from the webview that passed the page contract; anything else is logged and dropped. */
  readonly onDidReceiveMessage = this.received.event;
  readonly onDidDispose = this.disposed.event;

  constructor(
    private readonly ctx: RunlogContext,
    private readonly options: PanelOptions<From>,
  ) {
    const extensionUri = ctx.extension.extensionUri;
    const roots = [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ];
    this.panel =
      options.panel ??
      vscode.window.createWebviewPanel(
        viewTypeOf(options.page),
        options.title,
        options.column ?? vscode.ViewColumn.Active,
        { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: roots },
      );
    this.panel.webview.options = { enableScripts: true, localResourceRoots: roots };
    this.panel.title = options.title;
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'runlog.svg');
    this.panel.webview.html = pageHtml(this.panel.webview, extensionUri, options.page, options.args);
    this.disposables.push(
      this.received,
      this.disposed,
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
    );
  }

  /** A message from the page: delivered when its contract accepts it, else logged and dropped (false). */
  receive(message: unknown): boolean {
    if (this.options.isFromWebview(message)) {
      this.received.fire(message);
      return true;
    }
    this.ctx.log.warn(
      `${this.options.page} webview sent a message outside its contract, ignored: ` +
        String(JSON.stringify(message)).slice(0, 200),
    );
    return false;
  }

  get page(): string {
    return this.options.page;
  }

  get visible(): boolean {
    return !this.isDisposed && this.panel.visible;
  }

  set title(title: string) {
    if (!this.isDisposed) this.panel.title = title;
  }

  /** Sends a message typed by the page contract (dropped once the panel is closed). */
  post(message: To): void {
    if (this.isDisposed) return;
    this.panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.ctx.log.warn(`${this.options.page} webview: message not delivered: ${String(error)}`);
    });
  }

  reveal(): void {
    if (!this.isDisposed) this.panel.reveal();
  }

  /** Disposed together with the panel. */
  own<T extends vscode.Disposable>(disposable: T): T {
    if (this.isDisposed) disposable.dispose();
    else this.disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
    this.panel.dispose();
  }
}

export function viewTypeOf(page: string): string {
  return `runlog.${page}`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: string, args: unknown): string {
  const nonce = randomBytes(16).toString('base64');
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, `${page}.js`));
  const cssFile = vscode.Uri.joinPath(root, `${page}.css`);
  const style = existsSync(cssFile.fsPath) ? webview.asWebviewUri(cssFile) : undefined;
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    // Vega and vscode-elements set element styles at run time; no script may be inline or evaluated.
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
<meta name="runlog-args" content="${escapeAttribute(JSON.stringify(args ?? null))}">
${style ? `<link rel="stylesheet" href="${style.toString()}">` : ''}
<title>Runlog</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
