import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { RunlogContext } from '../context';
import type { PagePort } from './pagePort';

// INTERIM: a minimal webview host for the compare pages until the generic PanelHost
// (src/extension/webview/panelHost.ts) lands on main; the pages then move onto it and this file goes.
// Same rules: strict CSP with a nonce and no 'unsafe-eval', resources only from dist/webview, every message from
// the page validated by its contract before anyone sees it.

export class InterimPanelHost<To, From> implements PagePort<To, From>, vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly received = new vscode.EventEmitter<From>();
  private readonly disposed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.received, this.disposed];
  readonly onDidReceiveMessage = this.received.event;
  readonly onDidDispose = this.disposed.event;

  private readonly page: string;
  private readonly isFromWebview: (m: unknown) => m is From;

  constructor(
    private readonly ctx: RunlogContext,
    options: { page: string; title: string; isFromWebview: (m: unknown) => m is From },
  ) {
    this.page = options.page;
    this.isFromWebview = options.isFromWebview;
    const root = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(
      `runlog.${options.page}`,
      options.title,
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [root],
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'runlog.svg');
    this.panel.webview.html = pageHtml(this.panel.webview, root, options.page, options.title);
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: unknown) => {
        if (options.isFromWebview(message)) this.received.fire(message);
        else
          ctx.log.warn(
            `${options.page}: refused a message that is not in the page's contract: ${preview(message)}`,
          );
      }),
      this.panel.onDidDispose(() => {
        this.disposed.fire();
        for (const d of this.disposables) d.dispose();
      }),
    );
  }

  /** A message from the page: delivered when its contract accepts it, else logged and dropped. */
  receive(message: unknown): boolean {
    if (this.isFromWebview(message)) {
      this.received.fire(message);
      return true;
    }
    this.ctx.log.warn(
      `${this.page}: refused a message that is not in the page's contract: ${preview(message)}`,
    );
    return false;
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  post(message: To): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    this.panel.dispose();
  }
}

function preview(message: unknown): string {
  try {
    return JSON.stringify(message).slice(0, 200);
  } catch {
    return String(message);
  }
}

function pageHtml(webview: vscode.Webview, root: vscode.Uri, page: string, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, `${page}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, `${page}.css`));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const safeTitle = title.replace(/[<>&"]/g, '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${safeTitle}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
