import * as path from 'node:path';
import * as vscode from 'vscode';

/** The one typed view of Runlog's settings (package.json `contributes.configuration`). */
export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('runlog');
  }

  /** Absolute store folder, or undefined without a workspace folder to put it in. */
  get storeRoot(): string | undefined {
    const configured = this.section.get<string>('storePath', '.runlog').trim() || '.runlog';
    if (path.isAbsolute(configured)) return configured;
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? path.join(folder.uri.fsPath, configured) : undefined;
  }

  get primaryMetric(): string {
    return this.section.get<string>('primaryMetric', '').trim();
  }

  get pythonPath(): string {
    return this.section.get<string>('pythonPath', '').trim();
  }

  /** The output metric pattern; '' turns output metrics off. */
  get outputPattern(): string {
    return this.section.get<string>('outputMetrics.pattern', '');
  }

  get trackDebugSessions(): boolean {
    return this.section.get<boolean>('trackDebugSessions', true);
  }

  static affects(event: vscode.ConfigurationChangeEvent, key: string): boolean {
    return event.affectsConfiguration(`runlog.${key}`);
  }
}
