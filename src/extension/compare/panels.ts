import type * as vscode from 'vscode';
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
import { InterimPanelHost } from './interimHost';
import { RunsTableSession } from './runsTableSession';

/** The one runs table panel and the Compare panels (one per set of runs), for commands and tests. */
export class ComparePanels implements vscode.Disposable {
  private table:
    | { host: InterimPanelHost<ToRunsTableWebview, FromRunsTableWebview>; session: RunsTableSession }
    | undefined;
  private readonly compares = new Map<
    string,
    { host: InterimPanelHost<ToCompareWebview, FromCompareWebview>; session: CompareSession }
  >();

  constructor(private readonly ctx: RunlogContext) {}

  openTable(): RunsTableSession {
    if (this.table) {
      this.table.host.reveal();
      return this.table.session;
    }
    const host = new InterimPanelHost<ToRunsTableWebview, FromRunsTableWebview>(this.ctx, {
      page: 'runsTable',
      title: 'Runs Table',
      isFromWebview: isFromRunsTableWebview,
    });
    const session = new RunsTableSession(this.ctx, host);
    this.table = { host, session };
    host.onDidDispose(() => {
      session.dispose();
      this.table = undefined;
    });
    return session;
  }

  openCompare(runIds: string[], names: string[]): CompareSession {
    const key = [...runIds].sort().join(',');
    const open = this.compares.get(key);
    if (open) {
      open.host.reveal();
      return open.session;
    }
    const title = names.length <= 3 ? `Compare: ${names.join(' · ')}` : `Compare ${names.length} runs`;
    const host = new InterimPanelHost<ToCompareWebview, FromCompareWebview>(this.ctx, {
      page: 'compare',
      title,
      isFromWebview: isFromCompareWebview,
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
    host: InterimPanelHost<ToCompareWebview, FromCompareWebview>;
    session: CompareSession;
  }[] {
    return [...this.compares.values()];
  }

  get tablePanel():
    | { host: InterimPanelHost<ToRunsTableWebview, FromRunsTableWebview>; session: RunsTableSession }
    | undefined {
    return this.table;
  }

  dispose(): void {
    this.table?.host.dispose();
    for (const { host } of this.compares.values()) host.dispose();
  }
}
