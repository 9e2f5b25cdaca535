// The Metrics section: one card per metric with its latest / min / max / count and a live chart.
import type { MetricSummary } from '../../src/core/store/types';
import { formatValue } from '../../src/core/format';
import { h } from '../shared/dom';
import { formatClock, formatCount } from '../shared/format';
import { MetricChart } from './chart';
import type { ChartTheme } from './chartSpec';
import { metricStats, MetricSeries, nonFiniteNote, type ChartPoint } from './series';
import { emptyState } from './ui';

const CHART_HEIGHT = 130;

function statValue(value: number | undefined): string {
  return value === undefined ? '—' : formatValue(value);
}

class MetricCard {
  readonly root: HTMLElement;
  private readonly readout = h('span', { class: 'metric-readout' });
  private readonly last = h('span', { class: 'stat-value' });
  private readonly min = h('span', { class: 'stat-value' });
  private readonly max = h('span', { class: 'stat-value' });
  private readonly count = h('span', { class: 'stat-value' });
  private readonly chartElement = h('div', { class: 'metric-chart' });
  private readonly placeholder = h('div', { class: 'metric-placeholder' });
  private readonly notes = h('div', { class: 'metric-notes' });
  private readonly chart: MetricChart;
  private hovered: ChartPoint | undefined;
  private lastStep: number | undefined;
  private chartError = '';
  private notesKey: string | undefined;

  constructor(
    readonly name: string,
    readonly series: MetricSeries,
    readonly primary: boolean,
    theme: () => ChartTheme,
  ) {
    const stat = (label: string, value: HTMLElement) =>
      h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), value);
    this.root = h(
      'article',
      { class: primary ? 'metric-card primary' : 'metric-card', attrs: { 'aria-label': `Metric ${name}` } },
      h(
        'div',
        { class: 'metric-head' },
        h('span', { class: 'metric-name', title: name }, name),
        primary ? h('span', { class: 'metric-primary', title: 'Primary metric' }, 'primary') : null,
        this.readout,
      ),
      h(
        'div',
        { class: 'metric-stats' },
        stat('latest', this.last),
        stat('min', this.min),
        stat('max', this.max),
        stat('count', this.count),
      ),
      h('div', { class: 'metric-chart-wrap' }, this.chartElement, this.placeholder),
      this.notes,
    );
    this.chartElement.style.height = `${CHART_HEIGHT}px`;
    this.chart = new MetricChart(this.chartElement, series, {
      height: CHART_HEIGHT,
      theme,
      onHover: (point) => {
        this.hovered = point;
        this.updateReadout();
      },
      onError: (message) => {
        this.chartError = message;
        this.placeholder.textContent = message;
        this.placeholder.hidden = false;
      },
    });
  }

  update(summary: MetricSummary | undefined, pointsChanged: boolean): void {
    const stats = metricStats(this.series, summary);
    this.last.textContent = statValue(stats.last);
    this.min.textContent = statValue(stats.min);
    this.max.textContent = statValue(stats.max);
    this.count.textContent = formatCount(stats.count);
    this.lastStep = stats.lastStep;
    this.updateReadout();

    const notes: string[] = [];
    const nonFinite = nonFiniteNote(this.series.nonFinite);
    if (nonFinite) notes.push(nonFinite);
    if (this.series.downsampled) {
      notes.push(
        `${formatCount(this.series.display.length)} of ${formatCount(this.series.finiteCount)} points drawn ` +
          '(min and max kept)',
      );
    }
    if (stats.source === 'summary' && stats.count > this.series.count && this.series.count > 0) {
      notes.push(`Chart has the ${formatCount(this.series.count)} most recent points received`);
    }
    const notesKey = notes.join('\n');
    if (notesKey !== this.notesKey) {
      this.notesKey = notesKey;
      this.notes.replaceChildren(
        ...notes.map((note, i) => h('span', { class: i === 0 && nonFinite ? 'note warning' : 'note' }, note)),
      );
      this.notes.hidden = notes.length === 0;
    }

    const empty = this.series.display.length === 0;
    if (!this.chartError) {
      this.placeholder.textContent = empty
        ? this.series.count > 0
          ? 'No finite values to plot'
          : stats.count > 0
            ? 'Points not loaded'
            : 'No points yet'
        : '';
      this.placeholder.hidden = !empty;
    }
    this.chartElement.hidden = empty;
    if (pointsChanged) this.chart.requestUpdate();
  }

  private updateReadout(): void {
    const point = this.hovered;
    if (point) {
      const time = formatClock(point.time);
      this.readout.textContent = `step ${formatCount(point.step)}: ${formatValue(point.value)}${time ? ` at ${time}` : ''}`;
      this.readout.classList.add('hovering');
    } else {
      this.readout.textContent = this.lastStep === undefined ? '' : `step ${formatCount(this.lastStep)}`;
      this.readout.classList.remove('hovering');
    }
  }

  retheme(): void {
    this.chart.retheme();
  }

  dispose(): void {
    this.chart.dispose();
  }
}

export class MetricsView {
  readonly root = h('div', { class: 'metrics' });
  private readonly grid = h('div', { class: 'metric-grid' });
  private readonly empty = emptyState('No metrics logged.');
  private cards = new Map<string, MetricCard>();

  constructor(private readonly theme: () => ChartTheme) {
    this.root.append(this.empty, this.grid);
  }

  /** Makes the cards match `names` (in that order) and refreshes every card's numbers. */
  render(
    names: string[],
    seriesOf: (name: string) => MetricSeries,
    summaries: Record<string, MetricSummary>,
    primary: string | undefined,
    pointsChanged: ReadonlySet<string> | 'all',
  ): void {
    const next = new Map<string, MetricCard>();
    for (const name of names) {
      const series = seriesOf(name);
      let card = this.cards.get(name);
      if (card && (card.series !== series || card.primary !== (name === primary))) {
        card.dispose();
        card = undefined;
      }
      card ??= new MetricCard(name, series, name === primary, this.theme);
      next.set(name, card);
    }
    for (const [name, card] of this.cards) if (!next.has(name)) card.dispose();
    this.cards = next;
    const order = [...next.values()].map((card) => card.root);
    if (order.length !== this.grid.children.length || order.some((el, i) => this.grid.children[i] !== el)) {
      this.grid.replaceChildren(...order);
    }
    for (const [name, card] of next)
      card.update(summaries[name], pointsChanged === 'all' || pointsChanged.has(name));
    this.empty.hidden = names.length > 0;
    this.grid.hidden = names.length === 0;
  }

  /** Refreshes only the cards of `names` (points arrived). */
  pointsAdded(names: readonly string[], summaries: Record<string, MetricSummary>): void {
    for (const name of names) this.cards.get(name)?.update(summaries[name], true);
  }

  retheme(): void {
    for (const card of this.cards.values()) card.retheme();
  }

  dispose(): void {
    for (const card of this.cards.values()) card.dispose();
    this.cards.clear();
  }
}
