import type * as vscode from 'vscode';
import { isRunId } from '../../core/store/ids';
import {
  isFromCompareWebview,
  type FromCompareWebview,
  type ToCompareWebview,
} from '../../../webview/compare/contract';
import {
  isFromRunsTableWebview,
  type FromRunsTableWebview,
  type ToRunsTableWebview,
} from '../../../webview/runsTable/contract';
import type { RunlogContext } from '../context';
import { CompareSession } from './compareSession';
import { PanelHost } from '../webview/panelHost';
import { registerPage } from '../webview/pages';
import { RunsTableSession } from './runsTableSession';

/** The one runs table panel and the Compare panels (one per set of runs), for commands and tests. */
export class ComparePanels implements vscode.Disposable {
  private table:
    { host: PanelHost<ToRunsTableWebview, FromRunsTableWebview>; session: RunsTableSession } | undefined;
  private readonly compares = new Map<
    string,
    { host: PanelHost<ToCompareWebview, FromCompareWebview>; session: CompareSession }
  >();

  constructor(private readonly ctx: RunlogContext) {
    // Open panels come back after a window reload (the pages save their args; see webview/shared/page.ts).
    registerPage(ctx, 'runsTable', (panel) => void this.openTable(panel));
    registerPage(ctx, 'compare', (panel, args) => {
      const runIds = (args as { runIds?: unknown } | null)?.runIds;
      if (!Array.isArray(runIds) || runIds.length < 2 || !runIds.every((id) => isRunId(String(id))))
        throw new Error(`saved state names no runs to compare: ${JSON.stringify(args)}`);
      this.openCompare(runIds as string[], runIds as string[], panel);
    });
  }

  openTable(revived?: vscode.WebviewPanel): RunsTableSession {
    if (this.table) {
      this.table.host.reveal();
      return this.table.session;
    }
    const host = new PanelHost<ToRunsTableWebview, FromRunsTableWebview>(this.ctx, {
      page: 'runsTable',
      title: 'Runs Table',
      args: {},
      isFromWebview: isFromRunsTableWebview,
      panel: revived,
    });
    const session = new RunsTableSession(this.ctx, host);
    this.table = { host, session };
    host.onDidDispose(() => {
      session.dispose();
      this.table = undefined;
    });
    return session;
  }

  openCompare(runIds: string[], names: string[], revived?: vscode.WebviewPanel): CompareSession {
    const key = [...runIds].sort().join(',');
    const open = this.compares.get(key);
    if (open) {
      open.host.reveal();
      return open.session;
    }
    const title = names.length <= 3 ? `Compare: ${names.join(' · ')}` : `Compare ${names.length} runs`;
    const host = new PanelHost<ToCompareWebview, FromCompareWebview>(this.ctx, {
      page: 'compare',
      title,
      args: { runIds },
      isFromWebview: isFromCompareWebview,
      panel: revived,
    });
    const session = new CompareSession(this.ctx, host, runIds);
    this.compares.set(key, { host, session });
    host.onDidDispose(() => {
      session.dispose();
      this.compares.delete(key);
    });
    return session;
  }

  /** The open Compare panels (tests). */
  get compareSessions(): {
    host: PanelHost<ToCompareWebview, FromCompareWebview>;
    session: CompareSession;
  }[] {
    return [...this.compares.values()];
  }

  get tablePanel():
    { host: PanelHost<ToRunsTableWebview, FromRunsTableWebview>; session: RunsTableSession } | undefined {
    return this.table;
  }

  dispose(): void {
    this.table?.host.dispose();
    for (const { host } of this.compares.values()) host.dispose();
  }
}
