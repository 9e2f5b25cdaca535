import type { ColumnDiff, DatasetDiff, FileChange, TabularDiff } from '../../src/core/datasets/diff';
import { h } from '../shared/dom';
import { formatBytes } from '../shared/format';
import type { RowSample } from '../../src/core/datasets/rowSample';
import { sampleNote } from '../../src/core/datasets/format';
import type { DATASET_DIFF_COMMANDS, DatasetDiffView } from './contract';

type Run = (command: (typeof DATASET_DIFF_COMMANDS)[number], args: string[]) => void;
/** Asks the extension for the row sample of a file by another key column. */
type ChooseKey = (path: string, key: string) => void;

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);
const num = (value: number | undefined, digits = 4) =>
  value === undefined || !Number.isFinite(value)
    ? ''
    : Number.isInteger(value)
      ? String(value)
      : value.toPrecision(digits);
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;

export function renderError(message: string): HTMLElement {
  return h('div', { class: 'error', attrs: { role: 'alert' } }, message);
}

export function renderDiff(
  view: DatasetDiffView,
  run: Run,
  chooseKey: ChooseKey = () => undefined,
): HTMLElement {
  const d = view.diff;
  return h(
    'main',
    null,
    header(view, run),
    summary(d),
    drift(d),
    files(d, view.filesOmitted),
    ...d.tabular.map((t) => tabular(t, chooseKey)),
  );
}

function header(view: DatasetDiffView, run: Run): HTMLElement {
  const { a, b } = view.diff;
  const copy = (digest: string) =>
    h(
      'vscode-button',
      {
        attrs: { secondary: true, title: `Copy ${digest}` },
        on: { click: () => run('runlog.copyDatasetDigest', [digest]) },
      },
      'Copy digest',
    );
  return h(
    'header',
    null,
    h('h1', null, `${view.labelA} → ${view.labelB}`),
    h(
      'div',
      { class: 'sides' },
      h('span', { class: 'digest', title: a.digest }, short(a.digest)),
      copy(a.digest),
      h('span', { class: 'arrow' }, '→'),
      h('span', { class: 'digest', title: b.digest }, short(b.digest)),
      copy(b.digest),
      h(
        'vscode-button',
        {
          attrs: { secondary: true },
          on: { click: () => run('runlog.compareDatasetVersions', [b.digest, a.digest]) },
        },
        'Swap',
      ),
    ),
  );
}

function summary(d: DatasetDiff): HTMLElement {
  const c = d.counts;
  const items: [string, string][] = [
    ['Size', `${formatBytes(d.a.size)} → ${formatBytes(d.b.size)}`],
    ['Files', `${d.a.files} → ${d.b.files}`],
    [
      'Changes',
      d.identical
        ? 'identical'
        : `${c.added} added, ${c.deleted} deleted, ${c.modified} modified, ${c.renamed} renamed, ${c.unchanged} unchanged`,
    ],
    [
      'Recorded',
      `${d.a.createdAt.slice(0, 19).replace('T', ' ')} → ${d.b.createdAt.slice(0, 19).replace('T', ' ')}`,
    ],
  ];
  const problems = [
    ...d.a.problems.map((p) => ['older', p] as const),
    ...d.b.problems.map((p) => ['newer', p] as const),
  ];
  return h(
    'section',
    { class: 'summary', attrs: { 'aria-label': 'Summary' } },
    h('h2', null, 'Summary'),
    h('dl', null, ...items.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    problems.length
      ? h(
          'ul',
          { class: 'problems' },
          ...problems
            .slice(0, 20)
            .map(([side, p]) => h('li', null, `${side} version: ${p.path}: ${p.problem}`)),
        )
      : null,
  );
}

function drift(d: DatasetDiff): HTMLElement {
  const t = d.thresholds;
  return h(
    'section',
    { class: 'drift', attrs: { 'aria-label': 'Drift' } },
    h(
      'h2',
      null,
      d.drift.length
        ? `Drift: ${d.drift.length} column${d.drift.length === 1 ? '' : 's'} flagged`
        : 'No drift flagged',
    ),
    h(
      'p',
      { class: 'muted' },
      `Thresholds: PSI > ${t.psi}, KS > ${t.ks}, category shares > ${pct(t.shares)}, null share change > ${pct(t.nulls)} (setting runlog.datasets.driftThresholds).`,
    ),
    d.drift.length
      ? h(
          'ul',
          { class: 'flags' },
          ...d.drift.map((f) =>
            h('li', null, h('strong', null, f.column), ` in ${f.path}: ${f.reasons.join('; ')}`),
          ),
        )
      : null,
  );
}

const MARK: Record<FileChange['status'], string> = { added: 'A', deleted: 'D', modified: 'M', renamed: 'R' };

function files(d: DatasetDiff, omitted: number): HTMLElement {
  return h(
    'section',
    { class: 'files', attrs: { 'aria-label': 'Files' } },
    h('h2', null, `Files (${d.files.length + omitted} changed)`),
    d.files.length
      ? h(
          'table',
          null,
          h(
            'thead',
            null,
            h('tr', null, h('th', null, ''), h('th', null, 'Path'), h('th', { class: 'num' }, 'Size')),
          ),
          h(
            'tbody',
            null,
            ...d.files.map((f) =>
              h(
                'tr',
                { class: f.status },
                h('td', { class: `mark ${f.status}`, title: f.status }, MARK[f.status]),
                h('td', null, f.from ? `${f.from} → ${f.path}` : f.path),
                h('td', { class: 'num' }, sizes(f)),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No file changed.'),
    omitted
      ? h('p', { class: 'muted' }, `… and ${omitted} more (runlog datasets diff --json lists them all).`)
      : null,
  );
}

function sizes(f: FileChange): string {
  if (f.sizeA !== undefined && f.sizeB !== undefined && f.sizeA !== f.sizeB)
    return `${formatBytes(f.sizeA)} → ${formatBytes(f.sizeB)}`;
  return formatBytes(f.sizeB ?? f.sizeA ?? 0);
}

function tabular(t: TabularDiff, chooseKey: ChooseKey): HTMLElement {
  const notes: string[] = [];
  if (t.columnsAdded.length) notes.push(`Columns added: ${t.columnsAdded.join(', ')}`);
  if (t.columnsRemoved.length) notes.push(`Columns removed: ${t.columnsRemoved.join(', ')}`);
  for (const r of t.retyped) notes.push(`${r.name}: ${r.from} → ${r.to}`);
  if (t.malformedA || t.malformedB) notes.push(`Malformed rows: ${t.malformedA} → ${t.malformedB}`);
  const sampled = sampleNote(t);
  if (sampled) notes.push(sampled[0].toUpperCase() + sampled.slice(1));
  return h(
    'section',
    { class: 'tabular', attrs: { 'aria-label': `Table ${t.path}` } },
    h(
      'h2',
      null,
      `${t.path}${t.pathA !== t.path ? ` (was ${t.pathA})` : ''}: ${t.rowsA.toLocaleString()} → ${t.rowsB.toLocaleString()} rows (${t.format})`,
    ),
    notes.length ? h('ul', null, ...notes.map((n) => h('li', null, n))) : null,
    h(
      'table',
      null,
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...[
            'Column',
            'Type',
            'Nulls',
            'Distinct',
            'Min',
            'Max',
            'Mean',
            'PSI',
            'KS',
            'Shares moved',
            '',
          ].map((c) => h('th', null, c)),
        ),
      ),
      h('tbody', null, ...t.columns.map((c) => columnRow(c))),
    ),
    ...t.columns.filter((c) => c.shares?.length).map((c) => shares(c)),
    t.rows ? rowSample(t.rows, chooseKey) : null,
  );
}

/** Added, removed and changed rows by key (after the column detail), with a picker for the key column. */
function rowSample(r: RowSample, chooseKey: ChooseKey): HTMLElement {
  const picker = r.keyCandidates.length
    ? h(
        'label',
        { class: 'key-picker' },
        'Key column ',
        h(
          'select',
          {
            attrs: { 'aria-label': `Key column of ${r.path}` },
            on: { change: (e) => chooseKey(r.path, (e.target as HTMLSelectElement).value) },
          },
          r.key ? null : h('option', { attrs: { value: '', selected: true, disabled: true } }, '(choose)'),
          ...r.keyCandidates.map((k) => h('option', { attrs: { value: k, selected: k === r.key } }, k)),
        ),
      )
    : null;
  const c = r.counts;
  const summaryText = c
    ? `${c.added.toLocaleString()} added, ${c.removed.toLocaleString()} removed, ${c.changed.toLocaleString()} changed, ` +
      `${c.unchanged.toLocaleString()} unchanged (by ${r.key}, ${r.keySource === 'chosen' ? 'chosen' : 'found'}` +
      `${c.added > r.limit || c.removed > r.limit || c.changed > r.limit ? `; at most ${r.limit} of each shown` : ''})`
    : '';
  const cell = (text: string | undefined, cls = '') => h('td', cls ? { class: cls } : null, text ?? '');
  const body = [
    ...r.added.map((x) =>
      h(
        'tr',
        { class: 'added' },
        h('td', { class: 'mark added', title: 'added' }, '+'),
        ...r.columns.map((col) => cell(x.values[col])),
      ),
    ),
    ...r.removed.map((x) =>
      h(
        'tr',
        { class: 'removed' },
        h('td', { class: 'mark deleted', title: 'removed' }, '−'),
        ...r.columns.map((col) => cell(x.values[col])),
      ),
    ),
    ...r.changed.map((x) =>
      h(
        'tr',
        { class: 'changed' },
        h('td', { class: 'mark modified', title: 'changed' }, '~'),
        ...r.columns.map((col) =>
          x.changed.includes(col)
            ? cell(`${x.a[col] ?? ''} → ${x.b[col] ?? ''}`, 'changed-cell')
            : cell(x.b[col]),
        ),
      ),
    ),
  ];
  return h(
    'section',
    { class: 'rows', attrs: { 'aria-label': `Rows of ${r.path}` } },
    h('h3', null, 'Rows'),
    picker,
    summaryText ? h('p', { class: 'row-counts' }, summaryText) : null,
    r.note ? h('p', { class: 'note' }, r.note) : null,
    body.length
      ? h(
          'table',
          { class: 'row-sample' },
          h('thead', null, h('tr', null, h('th', null, ''), ...r.columns.map((col) => h('th', null, col)))),
          h('tbody', null, ...body),
        )
      : null,
  );
}

const pair = (a: string, b: string) => (a === b ? a : `${a} → ${b}`);

function columnRow(c: ColumnDiff): HTMLElement {
  const state = !c.a ? 'added' : !c.b ? 'removed' : '';
  const cell = (pick: (s: NonNullable<ColumnDiff['a']>) => string) =>
    pair(c.a ? pick(c.a) : '', c.b ? pick(c.b) : '');
  return h(
    'tr',
    { class: [state, c.flags.length ? 'flagged' : ''].filter(Boolean).join(' ') },
    h('td', null, c.name, state ? h('span', { class: 'muted' }, ` (${state})`) : null),
    h('td', null, pair(c.typeA ?? '', c.typeB ?? '')),
    h(
      'td',
      { class: 'num' },
      cell((s) => `${s.nulls} (${pct(s.nullShare)})`),
    ),
    h(
      'td',
      { class: 'num' },
      cell((s) => `${s.distinctExact ? '' : '≈'}${s.distinct}`),
    ),
    h(
      'td',
      { class: 'num' },
      cell((s) => num(s.min)),
    ),
    h(
      'td',
      { class: 'num' },
      cell((s) => num(s.max)),
    ),
    h(
      'td',
      { class: 'num' },
      cell((s) => num(s.mean)),
    ),
    h('td', { class: 'num' }, num(c.psi, 3)),
    h('td', { class: 'num' }, num(c.ks, 3)),
    h('td', { class: 'num' }, c.shareDistance !== undefined ? pct(c.shareDistance) : ''),
    h('td', { class: 'flag', title: c.flags.join('; ') }, c.flags.length ? 'drift' : ''),
  );
}

function shares(c: ColumnDiff): HTMLElement {
  return h(
    'details',
    { class: 'shares' },
    h('summary', null, `${c.name}: category shares`),
    h(
      'table',
      null,
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'Value'),
          h('th', { class: 'num' }, 'Older'),
          h('th', { class: 'num' }, 'Newer'),
          h('th', { class: 'num' }, 'Change'),
        ),
      ),
      h(
        'tbody',
        null,
        ...(c.shares ?? []).map((s) =>
          h(
            'tr',
            null,
            h('td', null, s.value),
            h('td', { class: 'num' }, pct(s.a)),
            h('td', { class: 'num' }, pct(s.b)),
            h('td', { class: 'num' }, `${s.delta >= 0 ? '+' : ''}${(s.delta * 100).toFixed(1)} pt`),
          ),
        ),
      ),
    ),
  );
}
