import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { RunlogContext } from '../context';

export interface PageHostOptions<From> {
  page: string;
  title: string;
  /** What the panel shows, saved with it so a window reload restores it. */
  args: unknown;
  isFromWebview: (m: unknown) => m is From;
  panel?: vscode.WebviewPanel;
}

/**
 * A webview panel for one page bundle (dist/webview/<page>.js and .css): strict CSP with a nonce and no
 * unsafe-eval, messages validated against the page's contract (invalid ones are logged and dropped). Same surface as
 * the generic host planned for src/extension/webview/panelHost.ts, so the dataset diff can move onto it unchanged.
 */
export class PageHost<To, From> {
  private readonly received = new vscode.EventEmitter<From>();
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidReceiveMessage = this.received.event;
  readonly onDidDispose = this.disposed.event;
  private readonly panel: vscode.WebviewPanel;
  private readonly owned: vscode.Disposable[] = [];

  constructor(ctx: RunlogContext, options: PageHostOptions<From>) {
    const root = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
    const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media');
    this.panel =
      options.panel ??
      vscode.window.createWebviewPanel(`runlog.${options.page}`, options.title, vscode.ViewColumn.Active, {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [root, media],
      });
    this.panel.title = options.title;
    this.panel.webview.options = { enableScripts: true, localResourceRoots: [root, media] };
    this.panel.webview.html = html(this.panel.webview, root, options.page, options.title, options.args);
    this.owned.push(
      this.received,
      this.disposed,
      this.panel.webview.onDidReceiveMessage((message: unknown) => {
        if (options.isFromWebview(message)) this.received.fire(message);
        else
          ctx.log.warn(
            `${options.page}: dropped an invalid message from the webview: ${JSON.stringify(message)}`,
          );
      }),
    );
    this.panel.onDidDispose(() => {
      this.disposed.fire();
      for (const d of this.owned.splice(0)) d.dispose();
    });
  }

  get title(): string {
    return this.panel.title;
  }
  set title(value: string) {
    this.panel.title = value;
  }
  get visible(): boolean {
    return this.panel.visible;
  }
  post(message: To): void {
    void this.panel.webview.postMessage(message);
  }
  reveal(): void {
    this.panel.reveal();
  }
  own(disposable: vscode.Disposable): void {
    this.owned.push(disposable);
  }
  dispose(): void {
    this.panel.dispose();
  }
}

/** Restores panels of a page after a window reload: `revive` gets the saved args (validate them!). */
export function registerPage(
  ctx: RunlogContext,
  page: string,
  revive: (panel: vscode.WebviewPanel, args: unknown) => void,
): void {
  ctx.own(
    vscode.window.registerWebviewPanelSerializer(`runlog.${page}`, {
      deserializeWebviewPanel: (panel, state: unknown) => {
        revive(panel, (state as { args?: unknown } | undefined)?.args);
        return Promise.resolve();
      },
    }),
  );
}

function html(webview: vscode.Webview, root: vscode.Uri, page: string, title: string, args: unknown): string {
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
  // args go in as JSON text of a data attribute (escaped), read by the page and saved in its state for revival
  const escaped = JSON.stringify(args ?? null)
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;');
  const safeTitle = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${safeTitle}</title>
</head>
<body data-args="${escaped}">
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
