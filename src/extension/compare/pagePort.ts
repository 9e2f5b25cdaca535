import type * as vscode from 'vscode';

/** What a page controller needs of its panel: PanelHost (src/extension/webview/panelHost.ts) provides it. */
export interface PagePort<To, From> {
  readonly onDidReceiveMessage: vscode.Event<From>;
  readonly onDidDispose: vscode.Event<void>;
  post(message: To): void | Thenable<unknown>;
  readonly visible: boolean;
}
