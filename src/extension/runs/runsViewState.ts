import * as vscode from 'vscode';
import {
  FIELD_HELP,
  parseQuery,
  QUERY_EXAMPLE,
  QueryError,
  RUN_SORTS,
  type Query,
  type RunSort,
} from '../../core/query';

const SORT_KEY = 'runlog.runsView.sort';
const FILTER_KEY = 'runlog.runsView.filter';
/** Context key for `when` clauses: the Runs view has a filter (shows "Clear Filter"). */
export const FILTERED_CONTEXT = 'runlog.runsFiltered';

/**
 * The Runs view's sort and filter, kept per workspace so they survive a reload, and the palette/title-bar
 * commands that change them.
 */
export class RunsViewState {
  sort: RunSort;
  filterText: string | undefined;
  filter: Query | undefined;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly onChange: () => void,
  ) {
    const sort = memento.get<string>(SORT_KEY);
    this.sort = RUN_SORTS.includes(sort as RunSort) ? (sort as RunSort) : 'start';
    const text = memento.get<string>(FILTER_KEY);
    if (typeof text === 'string' && text.trim()) {
      try {
        this.filter = parseQuery(text);
        this.filterText = text.trim();
      } catch {
        // A saved filter that no longer parses is dropped rather than hiding every run.
      }
    }
    void vscode.commands.executeCommand('setContext', FILTERED_CONTEXT, this.filter !== undefined);
  }

  /** Sets (or with '' clears) the filter; throws QueryError for an expression that cannot be read. */
  async setFilter(text: string): Promise<void> {
    const trimmed = text.trim();
    this.filter = trimmed ? parseQuery(trimmed) : undefined;
    this.filterText = trimmed || undefined;
    await this.memento.update(FILTER_KEY, this.filterText);
    await vscode.commands.executeCommand('setContext', FILTERED_CONTEXT, this.filter !== undefined);
    this.onChange();
  }

  async setSort(sort: RunSort): Promise<void> {
    this.sort = sort;
    await this.memento.update(SORT_KEY, sort);
    this.onChange();
  }

  /** `runlog.filterRuns`: an input box that checks the expression as it is typed. */
  async promptFilter(text?: unknown): Promise<void> {
    if (typeof text === 'string') return this.setFilter(text);
    const input = await vscode.window.showInputBox({
      title: 'Filter Runs',
      value: this.filterText ?? '',
      placeHolder: QUERY_EXAMPLE,
      prompt: `An expression over ${FIELD_HELP}. Empty shows every run.`,
      validateInput: (value) => validateQuery(value),
    });
    if (input !== undefined) await this.setFilter(input);
  }

  /** `runlog.sortRuns`: a pick of the three orders (or the one given). */
  async promptSort(sort?: unknown): Promise<void> {
    if (typeof sort === 'string' && RUN_SORTS.includes(sort as RunSort)) return this.setSort(sort as RunSort);
    const items: (vscode.QuickPickItem & { sort: RunSort })[] = [
      { sort: 'start', label: 'Start time', description: 'newest first' },
      { sort: 'name', label: 'Name', description: 'A to Z' },
      {
        sort: 'metric',
        label: 'Primary metric',
        description: 'best first (runlog.primaryMetric, runlog.metricGoals)',
      },
    ];
    for (const item of items) if (item.sort === this.sort) item.detail = 'current';
    const chosen = await vscode.window.showQuickPick(items, { title: 'Sort Runs By' });
    if (chosen) await this.setSort(chosen.sort);
  }
}

/** The input box's message for a query: undefined when it reads (or is empty). */
export function validateQuery(value: string): vscode.InputBoxValidationMessage | undefined {
  if (value.trim() === '') return undefined;
  try {
    parseQuery(value);
    return undefined;
  } catch (error) {
    const message = error instanceof QueryError ? error.message : String(error);
    return { message, severity: vscode.InputBoxValidationSeverity.Error };
  }
}
