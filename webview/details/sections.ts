// The run document's sections: params, tags, capture, datasets, artifacts and error. Each re-renders only when its
// own part of the document changed (the document is re-sent on every heartbeat while a run is live).
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type {
  ArtifactRecord,
  Capture,
  DatasetRecord,
  GitCapture,
  ParamValue,
  RunDocument,
} from '../../src/core/store/types';
import { formatDuration } from '../../src/core/format';
import { actionLink, h, replaceChildren, type Child } from '../shared/dom';
import { formatBytes, formatCommandLine, formatCount, shortDigest } from '../shared/format';
import { filterAndSortParams, paramText, paramType, type ParamSort, type ParamSortColumn } from './params';
import { isRecord, isRunRelativePath } from './state';
import { emptyState, field, mono, table } from './ui';

/** Re-renders `render(value)` into `parent` only when `value` differs (by JSON) from the last one rendered. */
export class Memo<T> {
  private key: string | undefined;
  constructor(private readonly render: (value: T) => void) {}
  update(value: T): void {
    const key = JSON.stringify(value) ?? '';
    if (key === this.key) return;
    this.key = key;
    this.render(value);
  }
  invalidate(): void {
    this.key = undefined;
  }
}

// --- Params ---------------------------------------------------------------------------------------------------

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

// --- Tags -----------------------------------------------------------------------------------------------------

export function renderTags(parent: HTMLElement, tags: Record<string, string>, addTag: () => void): void {
  const entries = Object.entries(tags);
  if (entries.length === 0) {
    parent.replaceChildren(emptyState('No tags. ', actionLink('Add a tag', addTag)));
    return;
  }
  parent.replaceChildren(
    h(
      'ul',
      { class: 'tags' },
      ...entries.map(([key, value]) =>
        h(
          'li',
          { class: 'tag', title: `${key} = ${value}` },
          h('span', { class: 'tag-key' }, key),
          value === '' ? null : h('span', { class: 'tag-value' }, value),
        ),
      ),
    ),
  );
}

// --- Capture --------------------------------------------------------------------------------------------------

const KNOWN_CAPTURE = new Set([
  'source',
  'command',
  'cwd',
  'pid',
  'host',
  'user',
  'platform',
  'python',
  'packages',
  'git',
  'exitCode',
  'durationSec',
]);

const SOURCE_LABELS: Record<string, string> = {
  script: 'Script launched with tracking',
  client: 'Script using the runlog client',
  debug: 'Debug session',
  notebook: 'Notebook',
};

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function gitValue(git: GitCapture, openFile: (path: string) => void): Child[] {
  const commit = text(git.commit);
  const parts: Child[] = [];
  parts.push(commit ? mono(commit.slice(0, 10), commit) : 'no commit yet');
  const branch = text(git.branch);
  if (branch) parts.push(' on ', mono(branch));
  if (git.dirty === true) {
    parts.push(
      ' ',
      h(
        'span',
        { class: 'pill warning', title: 'Uncommitted changes when the run started' },
        'uncommitted changes',
      ),
    );
  }
  const diff = git.diffFile;
  if (isRunRelativePath(diff))
    parts.push(
      ' ',
      actionLink(`Open ${diff}`, () => openFile(diff), 'Open the diff recorded at start'),
    );
  return parts;
}

export function renderCapture(
  parent: HTMLElement,
  capture: Capture,
  openFile: (path: string) => void,
): number {
  const rows: HTMLElement[] = [];
  const add = (label: string, ...value: Child[]) => {
    if (value.some((v) => v !== undefined && v !== null && v !== '')) rows.push(...field(label, ...value));
  };
  const git = isRecord(capture.git) ? (capture.git as unknown as GitCapture) : undefined;
  if (git) {
    add('Git', ...gitValue(git, openFile));
    if (text(git.remote)) add('Remote', mono(git.remote ?? ''));
  } else if (capture.git === null) {
    add('Git', h('span', { class: 'muted' }, 'not a git repository'));
  }
  if (Array.isArray(capture.command) && capture.command.length > 0) {
    add('Command', h('code', { class: 'command' }, formatCommandLine(capture.command)));
  }
  add('Working folder', text(capture.cwd) && mono(text(capture.cwd) ?? ''));
  const python = isRecord(capture.python) ? capture.python : undefined;
  if (python) {
    const version = [text(python.implementation), text(python.version)].filter(Boolean).join(' ');
    const executable = text(python.executable);
    add('Python', version, version && executable ? ' · ' : '', executable ? mono(executable) : null);
  }
  add('Platform', text(capture.platform));
  add('Host', text(capture.host));
  add('User', text(capture.user));
  add(
    'Source',
    text(capture.source) ? (SOURCE_LABELS[String(capture.source)] ?? text(capture.source)) : undefined,
  );
  add('PID', text(capture.pid));
  if (typeof capture.exitCode === 'number') {
    add(
      'Exit code',
      h('span', { class: capture.exitCode === 0 ? 'exit-ok' : 'exit-error' }, String(capture.exitCode)),
    );
  }
  if (typeof capture.durationSec === 'number') add('Duration', formatDuration(capture.durationSec));
  for (const [key, value] of Object.entries(capture)) {
    if (KNOWN_CAPTURE.has(key) || value === undefined || value === null) continue;
    add(
      key,
      typeof value === 'object'
        ? mono(JSON.stringify(value))
        : typeof value === 'string'
          ? value
          : (JSON.stringify(value) ?? ''),
    );
  }

  const children: Child[] = [];
  if (rows.length) children.push(h('dl', { class: 'fields' }, ...rows));
  const packages = Array.isArray(capture.packages)
    ? capture.packages.filter((p) => typeof p === 'string')
    : [];
  if (packages.length) {
    const list = h('ul', { class: 'packages mono' }, ...packages.map((p) => h('li', null, p)));
    const collapsible = h(
      'vscode-collapsible',
      {
        class: 'packages-collapsible',
        attrs: { heading: 'Python packages', description: formatCount(packages.length) },
      },
      list,
    );
    children.push(collapsible);
  }
  replaceChildren(parent, ...(children.length ? children : [emptyState('Nothing captured.')]));
  return rows.length / 2 + (packages.length ? 1 : 0);
}

// --- Datasets and artifacts -----------------------------------------------------------------------------------

export function renderDatasets(parent: HTMLElement, datasets: DatasetRecord[]): void {
  if (datasets.length === 0) {
    parent.replaceChildren(emptyState('No datasets logged.'));
    return;
  }
  parent.replaceChildren(
    table<DatasetRecord>(
      [
        { label: 'Name', cell: (d) => d.name || '—', class: 'strong' },
        { label: 'Role', cell: (d) => h('span', { class: `pill role-${d.role}` }, d.role) },
        { label: 'Path', cell: (d) => mono(d.path), class: 'path', title: (d) => d.path },
        { label: 'Digest', cell: (d) => mono(shortDigest(d.digest)), title: (d) => d.digest },
        { label: 'Size', cell: (d) => formatBytes(d.size), class: 'num' },
        { label: 'Files', cell: (d) => (Number.isFinite(d.files) ? formatCount(d.files) : ''), class: 'num' },
      ],
      datasets,
      'datasets',
    ),
  );
}

export function renderArtifacts(
  parent: HTMLElement,
  artifacts: ArtifactRecord[],
  openFile: (path: string) => void,
): void {
  if (artifacts.length === 0) {
    parent.replaceChildren(emptyState('No artifacts logged.'));
    return;
  }
  parent.replaceChildren(
    table<ArtifactRecord>(
      [
        {
          label: 'Path',
          cell: (a) =>
            isRunRelativePath(a.path)
              ? actionLink(a.path, () => openFile(a.path), `Open ${a.path}`)
              : mono(a.path),
          class: 'path',
          title: (a) => (a.source ? `Logged from ${a.source}` : undefined),
        },
        { label: 'Size', cell: (a) => formatBytes(a.size), class: 'num' },
        { label: 'SHA-256', cell: (a) => mono(shortDigest(a.sha256)), title: (a) => a.sha256 },
      ],
      artifacts,
      'artifacts',
    ),
  );
}

// --- Error ----------------------------------------------------------------------------------------------------

export function renderError(parent: HTMLElement, error: NonNullable<RunDocument['error']>): void {
  parent.replaceChildren(
    h(
      'div',
      { class: 'error-box', attrs: { role: 'alert' } },
      h(
        'div',
        { class: 'error-title' },
        h('span', { class: 'error-type' }, error.type || 'Error'),
        error.message ? `: ${error.message}` : '',
      ),
      error.traceback ? h('pre', { class: 'traceback' }, error.traceback.replace(/\s+$/, '')) : null,
    ),
  );
}
