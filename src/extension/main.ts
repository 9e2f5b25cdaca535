import * as vscode from 'vscode';

// Placeholder activation while the foundation is laid; replaced by the real table of contents.
export function activate(context: vscode.ExtensionContext): void {
  const pkg = context.extension.packageJSON as { contributes: { commands: { command: string }[] } };
  for (const { command } of pkg.contributes.commands) {
    context.subscriptions.push(vscode.commands.registerCommand(command, () => undefined));
  }
}

export function deactivate(): void {}
