// The Cells section of a notebook run's details: the cell timeline (which cells ran, in what order, how long, which
// failed), each with its source snapshot and a link that opens the notebook at that cell. Self-contained: the page
// gives it the timeline and a way to ask for "open the notebook at cell i".
import './cells.css';
import type { CellTimeline, CellTimelineEntry } from '../../src/core/notebooks/timeline';
import { formatDuration } from '../../src/core/format';
import { actionLink, h, replaceChildren } from '../shared/dom';
import { formatBytes, formatCount } from '../shared/format';
import { emptyState } from './ui';

export class CellsView {
  readonly root = h('div', { class: 'cells' });
  private key = '';

  constructor(private readonly openCell: (notebook: string, index: number) => void) {}

  /** Renders the timeline (only when it changed); returns the count for the section's description. */
  update(timeline: CellTimeline | undefined): number {
    const key = JSON.stringify(timeline ?? null);
    if (key !== this.key) {
      this.key = key;
      this.render(timeline);
    }
    return timeline?.total ?? 0;
  }

  private render(timeline: CellTimeline | undefined): void {
    if (!timeline || timeline.total === 0) {
      replaceChildren(this.root, emptyState('No cell has run yet.'));
      return;
    }
    const summary = h(
      'p',
      { class: 'cells-summary' },
      `${formatCount(timeline.total)} cell execution${timeline.total === 1 ? '' : 's'}`,
      timeline.failed > 0 ? `, ${formatCount(timeline.failed)} failed` : '',
      timeline.entries.length < timeline.total
        ? ` (the latest ${formatCount(timeline.entries.length)} shown)`
        : '',
    );
    const list = h(
      'ol',
      { class: 'cells-timeline', attrs: { 'aria-label': 'Cell timeline' } },
      ...timeline.entries.map((entry) => this.entry(timeline.notebook, entry)),
    );
    replaceChildren(this.root, summary, list);
  }

  private entry(notebook: string, entry: CellTimelineEntry): HTMLElement {
    const status = entry.success === false ? 'failed' : entry.success === true ? 'ok' : 'unknown';
    const mark = { failed: '✗', ok: '✓', unknown: '–' }[status];
    const label = { failed: 'failed', ok: 'succeeded', unknown: 'no result' }[status];
    const outputs =
      entry.outputKinds.length > 0
        ? `${entry.outputKinds.join(', ')} · ${formatBytes(entry.outputBytes)}`
        : 'no output';
    return h(
      'li',
      { class: `cell-entry cell-${status}` },
      h(
        'div',
        { class: 'cell-head' },
        h('span', { class: 'cell-status', attrs: { 'aria-label': label, role: 'img' } }, mark),
        h('span', { class: 'cell-order mono', title: 'Execution count' }, `[${entry.order ?? ' '}]`),
        h('span', { class: 'cell-name' }, `Cell ${entry.index + 1}`),
        h(
          'span',
          { class: 'cell-duration', title: entry.start },
          formatDuration(entry.durationMs / 1000) || '0ms',
        ),
        h('span', { class: 'cell-outputs' }, outputs),
        actionLink(
          'Open',
          () => this.openCell(notebook, entry.index),
          `Open the notebook at cell ${entry.index + 1}`,
        ),
      ),
      entry.error ? h('p', { class: 'cell-error' }, `${entry.error.name}: ${entry.error.message}`) : null,
      h(
        'details',
        { class: 'cell-source' },
        h('summary', null, firstLine(entry.source)),
        h('pre', { class: 'mono' }, entry.source, entry.sourceCut ? '\n…' : ''),
      ),
    );
  }
}

function firstLine(source: string): string {
  const line = source.split('\n', 1)[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line || '(empty cell)';
}
