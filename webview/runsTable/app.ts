// The runs table page: a virtualized grid of every run (only the rows on screen exist in the DOM), sortable by
// several columns, filtered by a query, with a column chooser, "only columns that differ", grouping by
// experiment, and actions on the selected runs (compare, star, tag, details).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { formatDuration, formatValue } from '../../src/core/format';
import { parseQuery, QueryError, type Query } from '../../src/core/query';
import type { RunDocument } from '../../src/core/store/types';
import { h, replaceChildren } from '../shared/dom';
import { formatLocalTime } from '../shared/format';
import { scrollToRow, visibleColumnRange, visibleRows } from '../shared/virtualRange';
import type { FromRunsTableWebview, RunsTableCommand, ToRunsTableWebview } from './contract';
import {
  allColumns,
  buildRows,
  cellValue,
  differingColumns,
  filterRuns,
  METRIC_STATS,
  sortRuns,
  toggleSort,
  type CellValue,
  type Column,
  type MetricStat,
  type Row,
  type SortKey,
} from './model';

export interface RunsTableUi {
  filter: string;
  sort: SortKey[];
  stat: MetricStat;
  hidden: string[];
  onlyDiffering: boolean;
  group: boolean;
  collapsed: string[];
}

export const DEFAULT_UI: RunsTableUi = {
  filter: '',
  sort: [{ column: 'start', desc: true }],
  stat: 'last',
  hidden: [],
  onlyDiffering: false,
  group: false,
  collapsed: [],
};

export const ROW_HEIGHT = 24;
const WIDTHS: Record<string, number> = {
  select: 28,
  star: 28,
  status: 86,
  name: 220,
  experiment: 120,
  start: 150,
  duration: 76,
  tags: 160,
};
const DATA_WIDTH = 110;
/** Pixels of columns built beyond each side of the view, so short sideways scrolls rebuild nothing. */
const COLUMN_OVERSCAN = 120;

export class RunsTableApp {
  private runs = new Map<string, RunDocument>();
  private primaryMetric = '';
  private query: Query | undefined;
  private columns: Column[] = [];
  private visibleColumns: Column[] = [];
  private rows: Row[] = [];
  private shownRuns: RunDocument[] = [];
  private readonly selected = new Set<string>();
  private cursor = 0;
  private anchor: number | undefined;
  private frame = 0;
  private firstRender = true;
  private receivedAt = 0;

  private readonly filterField: HTMLElement & { value: string };
  private readonly filterError = h('div', {
    class: 'filter-error',
    attrs: { role: 'alert', id: 'filter-error' },
  });
  private readonly counts = h('span', { class: 'muted counts', attrs: { 'aria-live': 'polite' } });
  private readonly selection = h('span', { class: 'selection' });
  private readonly chooser = h('div', {
    class: 'column-chooser',
    attrs: { hidden: true, role: 'group', 'aria-label': 'Columns' },
  });
  private readonly header = h('div', { class: 'grid-header', attrs: { role: 'row' } });
  private readonly body = h('div', { class: 'grid-body', attrs: { role: 'rowgroup' } });
  private readonly viewport = h('div', {
    class: 'grid-viewport',
    attrs: { tabindex: 0, role: 'grid', 'aria-label': 'Runs', 'aria-multiselectable': 'true' },
  });

  constructor(
    root: HTMLElement,
    private readonly post: (message: FromRunsTableWebview) => void,
    private ui: RunsTableUi,
    private readonly saveUi: (ui: RunsTableUi) => void,
  ) {
    this.filterField = h('vscode-textfield', {
      class: 'filter',
      attrs: {
        placeholder: 'Filter: metrics.acc > 0.9 and params.lr < 0.01 and tags.stage == "tuned"',
        'aria-label': 'Filter runs by expression',
        'aria-describedby': 'filter-error',
        value: ui.filter,
      },
    });
    let typing = 0;
    this.filterField.addEventListener('input', () => {
      clearTimeout(typing);
      typing = window.setTimeout(() => this.setFilter(this.filterField.value), 150);
    });
    this.viewport.append(this.header, this.body);
    // One listener for every row (rows are recycled while scrolling, so they carry no listeners of their own).
    this.body.addEventListener('click', (event) => {
      const row = rowElementOf(event);
      if (row?.dataset.group !== undefined) this.toggleGroup(row.dataset.group);
      else if (row) this.clickRow(Number(row.dataset.index), event);
    });
    this.body.addEventListener('dblclick', (event) => {
      const id = rowElementOf(event)?.dataset.run;
      if (id) this.post({ type: 'runCommand', command: 'runlog.showRunDetails', args: [id, [id]] });
    });
    this.body.addEventListener('mouseover', (event) => {
      const cell = (event.target as HTMLElement).closest?.<HTMLElement>('.cell[data-column]');
      if (cell && !cell.classList.contains('kind-star')) cell.title = cell.textContent ?? '';
    });
    this.viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
    replaceChildren(root, this.toolbar(), this.filterError, this.chooser, this.viewport);
    this.setFilter(ui.filter, false);
  }

  handle(message: ToRunsTableWebview): void {
    this.receivedAt = performance.now();
    if (message.type === 'setRuns') {
      this.runs = new Map(message.runs.map((run) => [run.id, run]));
      this.primaryMetric = message.primaryMetric;
    } else {
      for (const id of message.removed) {
        this.runs.delete(id);
        this.selected.delete(id);
      }
      for (const run of message.runs) this.runs.set(run.id, run);
    }
    this.recompute();
  }

  private setUi(change: Partial<RunsTableUi>): void {
    this.ui = { ...this.ui, ...change };
    this.saveUi(this.ui);
  }

  private toolbar(): HTMLElement {
    const stat = h(
      'vscode-single-select',
      { attrs: { 'aria-label': 'Metric value' } },
      ...METRIC_STATS.map((s) =>
        h('vscode-option', { attrs: { value: s, selected: s === this.ui.stat } }, `metric ${s}`),
      ),
    ) as HTMLElement & { value: string };
    stat.addEventListener('change', () => {
      this.setUi({ stat: stat.value as MetricStat });
      this.recompute();
    });
    const checkbox = (label: string, checked: boolean, onChange: (checked: boolean) => void) => {
      const box = h('vscode-checkbox', { attrs: { label, checked } }) as HTMLElement & { checked: boolean };
      box.addEventListener('change', () => onChange(box.checked));
      return box;
    };
    const button = (label: string, onClick: () => void, secondary = true, cls = '') =>
      h('vscode-button', { class: cls, attrs: { secondary }, on: { click: onClick } }, label);
    return h(
      'div',
      { class: 'toolbar' },
      this.filterField,
      stat,
      checkbox('Only columns that differ', this.ui.onlyDiffering, (on) => {
        this.setUi({ onlyDiffering: on });
        this.recompute();
      }),
      checkbox('Group by experiment', this.ui.group, (on) => {
        this.setUi({ group: on });
        this.recompute();
      }),
      button('Columns…', () => {
        this.chooser.hidden = !this.chooser.hidden;
        if (!this.chooser.hidden) this.renderChooser();
      }),
      this.counts,
      h(
        'span',
        { class: 'actions' },
        this.selection,
        button('Compare', () => this.act('runlog.compareRuns'), false, 'compare-button'),
        button('Star', () => this.act('runlog.starRun')),
        button('Unstar', () => this.act('runlog.unstarRun')),
        button('Tag…', () => this.act('runlog.tagRun')),
      ),
    );
  }

  private act(command: RunsTableCommand): void {
    const ids = [...this.selected].filter((id) => this.runs.has(id));
    const current = this.rows[this.cursor];
    if (ids.length === 0 && current?.kind === 'run') ids.push(current.run.id);
    if (ids.length === 0) {
      this.filterError.textContent =
        'Select runs first (click a row; Ctrl/Shift-click or Space for several).';
      return;
    }
    if (command === 'runlog.compareRuns' && ids.length < 2) {
      this.filterError.textContent = 'Select at least two runs to compare.';
      return;
    }
    this.post({ type: 'runCommand', command, args: [ids[0], ids] });
  }

  private setFilter(text: string, recompute = true): void {
    this.setUi({ filter: text });
    if (text.trim() === '') {
      this.query = undefined;
      this.filterError.textContent = '';
    } else {
      try {
        this.query = parseQuery(text);
        this.filterError.textContent = '';
      } catch (error) {
        // A bad expression keeps the last good filter and says what is wrong, where.
        this.filterError.textContent = error instanceof QueryError ? error.message : String(error);
      }
    }
    this.filterField.toggleAttribute('invalid', this.filterError.textContent !== '');
    if (recompute) this.recompute();
  }

  private recompute(): void {
    const all = [...this.runs.values()];
    this.columns = allColumns(all);
    const byId = new Map(this.columns.map((c) => [c.id, c]));
    const now = Date.now();
    const filtered = filterRuns(all, this.query, now);
    this.shownRuns = sortRuns(filtered, this.ui.sort, byId, this.ui.stat, now);
    const hidden = new Set(this.ui.hidden);
    const differing = this.ui.onlyDiffering
      ? differingColumns(this.shownRuns, this.columns, this.ui.stat)
      : undefined;
    this.visibleColumns = this.columns.filter(
      (c) => !hidden.has(c.id) && (!differing || differing.has(c.id)),
    );
    this.rows = buildRows(this.shownRuns, this.ui.group, new Set(this.ui.collapsed));
    this.cursor = Math.min(this.cursor, Math.max(0, this.rows.length - 1));
    this.counts.textContent = `${this.shownRuns.length} of ${this.runs.size} runs`;
    this.renderHeader();
    this.updateSelection();
    if (!this.chooser.hidden) this.renderChooser();
    this.renderRows();
  }

  /**
   * The grid's columns (the select column, then the visible columns): their widths, the CSS template, where the
   * name column is, and a key that changes when any of it does. Set with the header, read by every scroll frame.
   */
  private grid = { widths: [] as number[], width: 0, template: '', name: 0, key: '' };

  private renderHeader(): void {
    const widths = ['select', ...this.visibleColumns.map((c) => c.id)].map((id) => WIDTHS[id] ?? DATA_WIDTH);
    const width = widths.reduce((sum, w) => sum + w, 0);
    const template = widths.map((w) => `${w}px`).join(' ');
    this.grid = {
      widths,
      width,
      template,
      name: this.visibleColumns.findIndex((c) => c.kind === 'name') + 1,
      key: `${template}\0${this.visibleColumns.map((c) => c.id).join('\0')}`,
    };
    this.header.style.gridTemplateColumns = template;
    this.header.style.width = this.body.style.width = `${width}px`;
    // Rows hold only the columns in view, so assistive technology is told how many there are.
    this.viewport.setAttribute('aria-colcount', String(widths.length));
    const cells = this.visibleColumns.map((column) => {
      const key = this.ui.sort.findIndex((k) => k.column === column.id);
      const sort = key >= 0 ? this.ui.sort[key] : undefined;
      const label = column.kind === 'metric' ? `${column.label}` : column.label;
      return h(
        'button',
        {
          class: `header-cell kind-${column.kind}`,
          title: `${column.kind === 'param' ? 'param' : column.kind === 'metric' ? `metric (${this.ui.stat})` : ''} ${column.label}. Click: sort; Shift-click: add as next sort key.`,
          attrs: {
            role: 'columnheader',
            'aria-sort': sort ? (sort.desc ? 'descending' : 'ascending') : 'none',
            'data-column': column.id,
          },
          on: {
            click: (event) => {
              this.setUi({ sort: toggleSort(this.ui.sort, column.id, event.shiftKey) });
              this.recompute();
            },
          },
        },
        label,
        sort
          ? h(
              'span',
              { class: 'sort-mark' },
              `${sort.desc ? ' ▼' : ' ▲'}${this.ui.sort.length > 1 ? key + 1 : ''}`,
            )
          : null,
      );
    });
    replaceChildren(this.header, h('span', { class: 'header-cell' }), ...cells);
  }

  private renderChooser(): void {
    const hidden = new Set(this.ui.hidden);
    replaceChildren(
      this.chooser,
      ...this.columns.map((column) => {
        const box = h('vscode-checkbox', {
          attrs: {
            label: `${column.kind === 'param' ? 'params.' : column.kind === 'metric' ? 'metrics.' : ''}${column.label}`,
            checked: !hidden.has(column.id),
          },
        }) as HTMLElement & { checked: boolean };
        box.addEventListener('change', () => {
          const next = new Set(this.ui.hidden);
          if (box.checked) next.delete(column.id);
          else next.add(column.id);
          this.setUi({ hidden: [...next] });
          this.recompute();
        });
        return box;
      }),
    );
  }

  /** On scroll: reuse the rows still on screen, build only those scrolled in. */
  private schedule(): void {
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.renderRows(true);
    });
  }

  /** Rows in the DOM by row index (valid until the rows, columns, selection or cursor change). */
  private rendered = new Map<number, HTMLElement>();
  /** The columns the run rows in the DOM were built for: rows are rebuilt when it changes, else refilled. */
  private rowShape = '';

  /**
   * Shows the rows in view. Run rows that leave the view are recycled for the ones that enter it: their cells are
   * refilled (text, classes) rather than rebuilt, so a scroll frame creates no elements and recomputes styles only
   * where a value changed. `reuse` keeps rows still in view as they are (scrolling); without it every row in view is
   * refilled (selection, cursor, data changed).
   */
  private renderRows(reuse = false): void {
    const headerHeight = this.header.offsetHeight || ROW_HEIGHT;
    const total = this.rows.length;
    // Written only when changed: a scroll frame then touches nothing but the rows it adds and removes.
    const height = `${total * ROW_HEIGHT}px`;
    if (this.body.style.height !== height) this.body.style.height = height;
    const { start, end } = visibleRows(
      Math.max(0, this.viewport.scrollTop - headerHeight),
      this.viewport.clientHeight,
      ROW_HEIGHT,
      total,
    );
    // Only the columns in view (and a margin) get cells: scrolling down then fills a screen's width of cells per
    // row, however many params and metrics the runs have. Scrolling sideways past the margin rebuilds the rows.
    // A table up to two views wide is built whole (sideways scrolling then rebuilds nothing, and find-in-page sees
    // every cell); a wider one builds a view's width of columns and a margin. The name column always has its cell:
    // it sticks to the left edge, so a row scrolled sideways still says which run it is.
    const { widths, width, template, name, key } = this.grid;
    const viewWidth = this.viewport.clientWidth;
    const whole = viewWidth === 0 || width <= 2 * viewWidth;
    const range = visibleColumnRange(
      widths,
      this.viewport.scrollLeft,
      viewWidth,
      whole ? Number.POSITIVE_INFINITY : COLUMN_OVERSCAN,
    );
    const columns: number[] = [];
    if (name > 0 && name < range.start) columns.push(name);
    for (let g = range.start; g < range.end; g++) columns.push(g);
    if (name >= range.end) columns.push(name);
    const sideways = this.viewport.scrollLeft > 0;
    if (this.viewport.classList.contains('scrolled-sideways') !== sideways)
      this.viewport.classList.toggle('scrolled-sideways', sideways);
    const shape = `${range.start}:${range.end}\0${key}`;
    const spare: HTMLElement[] = [];
    if (shape !== this.rowShape) {
      this.rowShape = shape;
      this.rendered.clear();
      this.body.replaceChildren();
    }
    for (const [i, element] of this.rendered) {
      if (reuse && i >= start && i < end) continue;
      this.rendered.delete(i);
      if (element.dataset.run !== undefined) spare.push(element);
      else element.remove();
    }
    this.body.querySelector(':scope > .empty')?.remove();
    const fragment = document.createDocumentFragment();
    for (let i = start; i < end; i++) {
      if (this.rendered.has(i)) continue;
      const row = this.rows[i];
      let element: HTMLElement;
      if (row.kind === 'group') {
        element = this.groupRow(row, i);
        fragment.append(element);
      } else {
        const recycled = spare.pop();
        element = recycled ?? this.newRunRow(template, columns);
        this.fillRunRow(element, row.run, i, columns);
        if (!recycled) fragment.append(element);
      }
      this.rendered.set(i, element);
    }
    for (const element of spare) element.remove();
    this.body.append(fragment);
    // A full render puts the rows back in document order (what assistive technology and tests read); a scroll frame
    // does not move rows (aria-rowindex gives their order).
    if (!reuse) {
      const ordered = [...this.rendered.keys()].sort((a, b) => a - b).map((i) => this.rendered.get(i)!);
      if (ordered.some((element, k) => this.body.children[k] !== element)) this.body.append(...ordered);
    }
    if (this.viewport.getAttribute('aria-rowcount') !== String(total + 1))
      this.viewport.setAttribute('aria-rowcount', String(total + 1));
    if (total === 0) {
      this.body.append(
        h(
          'div',
          { class: 'empty' },
          this.runs.size === 0 ? 'No runs in this store yet.' : 'No run matches the filter.',
        ),
      );
    }
    if (this.firstRender && this.runs.size > 0) {
      this.firstRender = false;
      // Read by the end-to-end benchmark: from the runs message to the first rows on screen.
      document.body.dataset.firstRenderMs = (performance.now() - this.receivedAt).toFixed(1);
    }
  }

  private groupRow(row: Row & { kind: 'group' }, index: number): HTMLElement {
    return h(
      'div',
      {
        class: `grid-row group-row${index === this.cursor ? ' cursor' : ''}`,
        attrs: {
          role: 'row',
          style: `top:${index * ROW_HEIGHT}px`,
          'aria-expanded': !row.collapsed,
          'data-group': row.experiment,
          'data-index': index,
          'aria-rowindex': index + 2,
        },
      },
      h(
        'span',
        { class: 'group-label' },
        `${row.collapsed ? '▶' : '▼'} ${row.experiment}`,
        h('span', { class: 'muted' }, ` ${row.count} runs`),
      ),
    );
  }

  /**
   * An empty run row with a cell for each of `columns` (grid column indexes: 0 is the select column, k the k-th
   * visible column), each placed in its own grid column.
   */
  private newRunRow(template: string, columns: readonly number[]): HTMLElement {
    const cells = columns.map((g) => {
      const column = this.visibleColumns[g - 1];
      const style = `grid-column:${g + 1}`;
      return column
        ? h(
            'span',
            {
              class: 'cell',
              attrs: { role: 'gridcell', 'aria-colindex': g + 1, 'data-column': column.id, style },
            },
            '', // the cell's one text node, rewritten in place (see fillRunRow)
          )
        : h(
            'span',
            { class: 'cell select-cell', attrs: { 'aria-colindex': 1, style } },
            h('input', { attrs: { type: 'checkbox', tabindex: -1 } }),
          );
    });
    return h(
      'div',
      { class: 'grid-row', attrs: { role: 'row', style: `grid-template-columns:${template}` } },
      ...cells,
    );
  }

  /** Fills a run row (cells for grid `columns`) for `run` at `index`, writing only what differs. */
  private fillRunRow(
    element: HTMLElement,
    run: RunDocument,
    index: number,
    columns: readonly number[],
  ): void {
    const selected = this.selected.has(run.id);
    const top = `${index * ROW_HEIGHT}px`;
    if (element.style.top !== top) element.style.top = top;
    setIfChanged(
      element,
      'className',
      `grid-row${selected ? ' selected' : ''}${index === this.cursor ? ' cursor' : ''}`,
    );
    element.setAttribute('aria-selected', String(selected));
    element.dataset.run = run.id;
    element.dataset.index = String(index);
    element.setAttribute('aria-rowindex', String(index + 2)); // the header is row 1
    const cells = element.children;
    for (const [k, g] of columns.entries()) {
      const cell = cells[k] as HTMLElement;
      const column = this.visibleColumns[g - 1];
      if (!column) {
        const box = cell.firstElementChild as HTMLInputElement;
        box.checked = selected;
        box.setAttribute('aria-label', `Select ${run.name}`);
        continue;
      }
      const text = formatCell(column, cellValue(run, column, this.ui.stat));
      setIfChanged(
        cell,
        'className',
        `cell kind-${column.kind}${column.kind === 'status' ? ` status-${run.status}` : ''}${column.key && column.key === this.primaryMetric ? ' primary' : ''}`,
      );
      // The text node's data is rewritten, not the node replaced: a replaced node is garbage for Blink's heap
      // (12,000 in the benchmark's scroll), which brings on the 15–45 ms pauses of a full garbage collection sooner.
      // The tooltip (the full text of a clipped cell) is set when the pointer reaches the cell, not for every cell
      // scrolled past.
      const node = cell.firstChild as Text;
      if (node.data !== text) node.data = text;
      if (cell.hasAttribute('title')) cell.title = text;
    }
  }

  private toggleGroup(experiment: string): void {
    const collapsed = new Set(this.ui.collapsed);
    if (collapsed.has(experiment)) collapsed.delete(experiment);
    else collapsed.add(experiment);
    this.setUi({ collapsed: [...collapsed] });
    this.recompute();
  }

  private clickRow(index: number, event: MouseEvent): void {
    const row = this.rows[index];
    if (row?.kind !== 'run') return;
    const toggle = event.ctrlKey || event.metaKey || (event.target as HTMLElement).tagName === 'INPUT';
    if (event.shiftKey && this.anchor !== undefined) this.selectRange(this.anchor, index);
    else if (toggle) this.toggle(row.run.id);
    else {
      this.selected.clear();
      this.selected.add(row.run.id);
    }
    if (!event.shiftKey) this.anchor = index;
    this.cursor = index;
    this.updateSelection();
    this.renderRows();
  }

  private toggle(id: string): void {
    if (this.selected.has(id)) this.selected.delete(id);
    else this.selected.add(id);
  }

  private selectRange(a: number, b: number): void {
    const [from, to] = a < b ? [a, b] : [b, a];
    for (let i = from; i <= to; i++) {
      const row = this.rows[i];
      if (row?.kind === 'run') this.selected.add(row.run.id);
    }
  }

  private updateSelection(): void {
    for (const id of this.selected) if (!this.runs.has(id)) this.selected.delete(id);
    this.selection.textContent = this.selected.size ? `${this.selected.size} selected` : '';
  }

  private onKey(event: KeyboardEvent): void {
    const total = this.rows.length;
    if (total === 0) return;
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -total,
      End: total,
    };
    const row = this.rows[this.cursor];
    if (event.key in moves) {
      event.preventDefault();
      const next = Math.max(0, Math.min(total - 1, this.cursor + moves[event.key]));
      if (event.shiftKey) {
        this.anchor ??= this.cursor;
        this.selectRange(this.anchor, next);
        this.updateSelection();
      }
      this.cursor = next;
      const headerHeight = this.header.offsetHeight || ROW_HEIGHT;
      const scrollTop = scrollToRow(
        next,
        this.viewport.scrollTop,
        this.viewport.clientHeight - headerHeight,
        ROW_HEIGHT,
      );
      if (scrollTop !== this.viewport.scrollTop) this.viewport.scrollTop = scrollTop;
      this.renderRows();
    } else if (event.key === ' ' && row) {
      event.preventDefault();
      if (row.kind === 'group') this.toggleGroup(row.experiment);
      else {
        this.toggle(row.run.id);
        this.anchor = this.cursor;
        this.updateSelection();
        this.renderRows();
      }
    } else if (event.key === 'Enter' && row) {
      event.preventDefault();
      if (row.kind === 'group') this.toggleGroup(row.experiment);
      else
        this.post({ type: 'runCommand', command: 'runlog.showRunDetails', args: [row.run.id, [row.run.id]] });
    } else if ((event.key === 'a' || event.key === 'A') && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      for (const run of this.shownRuns) this.selected.add(run.id);
      this.updateSelection();
      this.renderRows();
    }
  }
}

/** The row element an event happened in, if any. */
function rowElementOf(event: Event): HTMLElement | undefined {
  return (event.target as HTMLElement).closest?.<HTMLElement>('.grid-row') ?? undefined;
}

/** Writes a property only when its value changes (an unchanged write can still cost a style recalculation). */
function setIfChanged(element: HTMLElement, key: 'className', value: string): void {
  if (element[key] !== value) element[key] = value;
}

export function formatCell(column: Column, value: CellValue): string {
  if (value === undefined || value === null) return '';
  switch (column.kind) {
    case 'star':
      return value ? '★' : '';
    case 'start':
      return formatLocalTime(value);
    case 'duration':
      return typeof value === 'number' ? formatDuration(value) : '';
    case 'metric':
      return formatValue(value);
    default:
      return String(value);
  }
}
