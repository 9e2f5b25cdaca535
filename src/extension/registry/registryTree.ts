import * as vscode from 'vscode';
import type { RunlogContext } from '../context';

/**
 * The Registry view. Nothing has been promoted yet in this version, so it has no items and VS Code shows its
 * welcome content (package.json `viewsWelcome`), which points at the runs a model would be promoted from.
 */
export class RegistryTree implements vscode.TreeDataProvider<never> {
  constructor(ctx: RunlogContext) {
    ctx.own(vscode.window.registerTreeDataProvider('runlog.registry', this));
  }

  getChildren(): never[] {
    return [];
  }

  getTreeItem(node: never): vscode.TreeItem {
    return node;
  }
}
