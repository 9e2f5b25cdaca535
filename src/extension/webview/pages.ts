import * as vscode from 'vscode';
import type { RunlogContext } from '../context';
import { viewTypeOf } from './panelHost';

/** What every page's webview keeps in its VS Code state (webview/shared/page.ts), read back after a reload. */
interface SavedPageState {
  args?: unknown;
}

/**
 * Registers the serializer that brings a page's open panels back after a window reload: VS Code hands over the
 * panel and the state its webview saved; `revive` checks the saved args and rebuilds the page's controller on that
 * panel. A panel whose args no longer make sense (e.g. its run was deleted) is closed with a note in the log.
 */
export function registerPage(
  ctx: RunlogContext,
  page: string,
  revive: (panel: vscode.WebviewPanel, args: unknown) => void | Promise<void>,
): void {
  ctx.own(
    vscode.window.registerWebviewPanelSerializer(viewTypeOf(page), {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const args = (state as SavedPageState | undefined)?.args;
        try {
          await revive(panel, args);
        } catch (error) {
          ctx.log.warn(`could not restore the ${page} panel: ${String(error)}`);
          panel.dispose();
        }
      },
    }),
  );
}
