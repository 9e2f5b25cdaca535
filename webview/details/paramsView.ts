// The Params section: a filterable, sortable table of the run's params.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ParamValue } from '../../src/core/store/types';
import { h } from '../shared/dom';
import { Memo } from './memo';
import { filterAndSortParams, paramText, paramType, type ParamSort, type ParamSortColumn } from './params';
import { emptyState } from './ui';

export class ParamsView {
  readonly root = h('div', { class: 'params' });
  private readonly filterField: HTMLElement & { value: string };
  private readonly tableHost = h('div', { class: 'params-table' });
  private params: Record<string, ParamValue> = {};
  private readonly memo = new Memo<Record<string, ParamValue>>((params) => {
    this.params = params;
    this.renderTable();
  });

  constructor(
    private filter: string,
    private sort: ParamSort,
    private readonly onStateChange: (filter: string, sort: ParamSort) => void,
  ) {
    this.filterField = h('vscode-textfield', {
      class: 'params-filter',
      attrs: { placeholder: 'Filter params', 'aria-label': 'Filter params' },
      on: {
        input: () => {
          this.filter = this.filterField.value;
          this.onStateChange(this.filter, this.sort);
          this.renderTable();
        },
      },
    });
    this.filterField.value = filter;
    this.root.append(this.filterField, this.tableHost);
  }

  update(params: Record<string, ParamValue>): number {
    this.memo.update(params);
    return Object.keys(params).length;
  }

  private setSort(column: ParamSortColumn): void {
    this.sort = { column, descending: this.sort.column === column ? !this.sort.descending : false };
    this.onStateChange(this.filter, this.sort);
    this.renderTable();
  }

  private renderTable(): void {
    const total = Object.keys(this.params).length;
    this.filterField.hidden = total < 8 && !this.filter;
    if (total === 0) {
      this.tableHost.replaceChildren(emptyState('No params logged.'));
      return;
    }
    const rows = filterAndSortParams(this.params, this.filter, this.sort);
    if (rows.length === 0) {
      this.tableHost.replaceChildren(emptyState(`No params match “${this.filter.trim()}”.`));
      return;
    }
    const header = (column: ParamSortColumn, label: string) => {
      const active = this.sort.column === column;
      const arrow = active ? (this.sort.descending ? ' ↓' : ' ↑') : '';
      return h(
        'th',
        {
          class: `sortable col-${column}`,
          attrs: {
            scope: 'col',
            'aria-sort': active ? (this.sort.descending ? 'descending' : 'ascending') : 'none',
          },
        },
        h(
          'button',
          {
            class: 'sort-button',
            title: `Sort by ${label.toLowerCase()}`,
            on: { click: () => this.setSort(column) },
          },
          label,
          h('span', { class: 'sort-arrow' }, arrow),
        ),
      );
    };
    this.tableHost.replaceChildren(
      h(
        'table',
        { class: 'data-table params' },
        h('thead', null, h('tr', null, header('name', 'Name'), header('value', 'Value'))),
        h(
          'tbody',
          null,
          ...rows.map(([name, value]) =>
            h(
              'tr',
              null,
              h('td', { class: 'param-name mono', title: name }, name),
              h(
                'td',
                { class: `param-value mono type-${paramType(value)}`, title: paramType(value) },
                paramText(value),
              ),
            ),
          ),
        ),
      ),
    );
  }
}
