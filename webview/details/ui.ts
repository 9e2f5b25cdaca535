// Building blocks shared by the sections of the details page: collapsible sections, tables, empty states.
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { h, type Child } from '../shared/dom';

export interface Section {
  root: HTMLElement;
  body: HTMLElement;
  setDescription(text: string): void;
  setHidden(hidden: boolean): void;
}

/**
 * A collapsible section (VS Code's pane header look). `open` is the initial state; `onToggle` reports the user's
 * changes so they can be remembered across reloads.
 */
export function section(
  id: string,
  heading: string,
  open: boolean,
  onToggle: (open: boolean) => void,
): Section {
  const body = h('div', { class: 'section-body' });
  const root = h('vscode-collapsible', { class: `section section-${id}`, attrs: { heading } }, body);
  (root as HTMLElement & { open: boolean }).open = open;
  root.addEventListener('vsc-collapsible-toggle', (event) => onToggle(event.detail.open));
  return {
    root,
    body,
    setDescription: (text) => root.setAttribute('description', text),
    setHidden: (hidden) => {
      root.hidden = hidden;
    },
  };
}

export function emptyState(text: string, ...extra: Child[]): HTMLElement {
  return h('p', { class: 'empty' }, text, ...extra);
}

export interface Column<Row> {
  label: string;
  class?: string;
  cell: (row: Row) => Child;
  /** Tooltip of the cell. */
  title?: (row: Row) => string | undefined;
}

export function table<Row>(columns: Column<Row>[], rows: readonly Row[], className = ''): HTMLTableElement {
  return h(
    'table',
    { class: `data-table ${className}` },
    h(
      'thead',
      null,
      h('tr', null, ...columns.map((c) => h('th', { class: c.class, attrs: { scope: 'col' } }, c.label))),
    ),
    h(
      'tbody',
      null,
      ...rows.map((row) =>
        h('tr', null, ...columns.map((c) => h('td', { class: c.class, title: c.title?.(row) }, c.cell(row)))),
      ),
    ),
  );
}

/** A definition list row for key/value grids. */
export function field(label: string, ...value: Child[]): HTMLElement[] {
  return [h('dt', null, label), h('dd', null, ...value)];
}

export function mono(text: string, title?: string): HTMLElement {
  return h('span', { class: 'mono', title }, text);
}
