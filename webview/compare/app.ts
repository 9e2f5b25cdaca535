// The Compare panel's page: params, metrics against a baseline, charts, parallel coordinates, data and code.
// Everything shown comes from the extension's CompareState (prepared in the core); this file only renders it and
// turns the user's choices into messages.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { Comparison, MetricCell, MetricChart, XAxis } from '../../src/core/compare';
import { metricsCsv, paramsCsv } from '../../src/core/compare/csv';
import { formatValue } from '../../src/core/format';
import { actionLink, h, replaceChildren, type Child } from '../shared/dom';
import { shortDigest } from '../shared/format';
import { EmbeddedChart } from '../shared/multiChart';
import {
  multiChartSpec,
  PALETTE,
  smooth,
  type MultiChartTheme,
  type SeriesRow,
} from '../shared/multiChartSpec';
import { cssVar } from '../shared/theme';
import type { CompareState, ExportFormat, FromCompareWebview, ToCompareWebview } from './contract';
import { parallelRows, parallelSpec, runLabels } from './parallel';

export interface CompareUi {
  onlyChanged: boolean;
  smoothing: number;
  logY: boolean;
  parallelMetric?: string;
}

export const DEFAULT_UI: CompareUi = { onlyChanged: true, smoothing: 0, logY: false };

const X_TITLES: Record<XAxis, string> = { step: 'step', time: 'wall time', relative: 'time since start (s)' };

export class CompareApp {
  private state: CompareState | undefined;
  private readonly charts = new Map<
    string,
    { chart: EmbeddedChart; data: MetricChart; zoom: [number, number] | null }
  >();
  private parallel: EmbeddedChart | undefined;
  private readonly status = h('p', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });

  constructor(
    private readonly root: HTMLElement,
    private readonly post: (message: FromCompareWebview) => void,
    private ui: CompareUi,
    private readonly saveUi: (ui: CompareUi) => void,
  ) {
    replaceChildren(root, h('p', { class: 'loading' }, 'Preparing the comparison…'));
  }

  handle(message: ToCompareWebview): void {
    switch (message.type) {
      case 'setComparison':
        this.state = message.state;
        this.render();
        return;
      case 'updateCharts':
        for (const data of message.charts) {
          const entry = this.charts.get(data.name);
          if (!entry) continue;
          entry.data = data;
          if (message.range !== undefined) entry.zoom = message.range;
          void this.drawChart(data.name);
        }
        return;
      case 'exported':
        this.status.textContent = message.message;
        this.status.classList.toggle('error', !message.ok);
        return;
    }
  }

  private setUi(change: Partial<CompareUi>): void {
    this.ui = { ...this.ui, ...change };
    this.saveUi(this.ui);
  }

  private get labels(): string[] {
    return runLabels(this.state?.comparison.runs ?? []);
  }

  private render(): void {
    const state = this.state;
    if (!state) return;
    for (const { chart } of this.charts.values()) chart.dispose();
    this.charts.clear();
    this.parallel?.dispose();
    const { comparison } = state;
    replaceChildren(
      this.root,
      this.header(comparison),
      state.problems.length
        ? h('ul', { class: 'problems' }, ...state.problems.map((p) => h('li', null, p)))
        : null,
      this.status,
      this.paramsSection(comparison),
      this.metricsSection(comparison),
      this.chartsSection(state),
      this.parallelSection(comparison),
      this.dataSection(state),
    );
    for (const name of this.charts.keys()) void this.drawChart(name);
    void this.drawParallel();
  }

  private header(comparison: Comparison): HTMLElement {
    const labels = this.labels;
    const baseline = h(
      'vscode-single-select',
      { class: 'baseline-select', attrs: { 'aria-label': 'Baseline run' } },
      ...comparison.runs.map((run, i) =>
        h('vscode-option', { attrs: { value: run.id, selected: i === comparison.baseline } }, labels[i]),
      ),
    ) as HTMLElement & { value: string };
    baseline.addEventListener('change', () => this.post({ type: 'setBaseline', runId: baseline.value }));
    return h(
      'header',
      { class: 'compare-header' },
      h('h1', null, `Comparing ${comparison.runs.length} runs`),
      h(
        'ol',
        { class: 'run-chips' },
        ...comparison.runs.map((run, i) =>
          h(
            'li',
            { class: 'run-chip', attrs: { 'data-run': run.id } },
            h('span', { class: 'swatch', attrs: { style: `background:${PALETTE[i % PALETTE.length]}` } }),
            actionLink(
              labels[i],
              () => this.post({ type: 'runCommand', command: 'runlog.showRunDetails', args: [run.id] }),
              `Show details of ${run.id}`,
            ),
            h('span', { class: 'muted' }, ` ${run.experiment} · ${run.status}`),
            ' ',
            actionLink(
              'promote…',
              () => this.post({ type: 'runCommand', command: 'runlog.promoteRun', args: [run.id] }),
              `Promote ${run.name} to a registry`,
            ),
          ),
        ),
      ),
      h('label', { class: 'baseline' }, 'Baseline ', baseline),
    );
  }

  private exportButton(
    label: string,
    format: ExportFormat,
    name: string,
    data: () => Promise<string | undefined> | string,
  ): HTMLElement {
    return h(
      'vscode-button',
      {
        attrs: { secondary: true, 'aria-label': `${label} (${name})` },
        on: {
          click: () => {
            void Promise.resolve(data()).then((text) => {
              if (text) this.post({ type: 'export', format, name, data: text });
            });
          },
        },
      },
      label,
    );
  }

  private paramsSection(comparison: Comparison): HTMLElement {
    const labels = this.labels;
    const body = h('div', { class: 'table-wrap' });
    const draw = () => {
      const rows = comparison.params.filter((row) => !this.ui.onlyChanged || row.differs);
      replaceChildren(
        body,
        rows.length === 0
          ? h(
              'p',
              { class: 'empty' },
              comparison.params.length ? 'Every param is the same in these runs.' : 'No params.',
            )
          : h(
              'table',
              { class: 'data-table params-table' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  h('th', { attrs: { scope: 'col' } }, 'param'),
                  ...labels.map((l) => h('th', { attrs: { scope: 'col' } }, l)),
                ),
              ),
              h(
                'tbody',
                null,
                ...rows.map((row) =>
                  h(
                    'tr',
                    { class: row.differs ? 'differs' : '' },
                    h('th', { attrs: { scope: 'row' } }, row.name),
                    ...row.values.map((v, i) =>
                      h(
                        'td',
                        { class: `mono${row.differs && i !== comparison.baseline ? ' changed' : ''}` },
                        v === undefined ? '—' : String(v),
                      ),
                    ),
                  ),
                ),
              ),
            ),
      );
    };
    const only = h('vscode-checkbox', {
      attrs: { label: 'Only changed', checked: this.ui.onlyChanged },
    }) as HTMLElement & {
      checked: boolean;
    };
    only.addEventListener('change', () => {
      this.setUi({ onlyChanged: only.checked });
      draw();
    });
    draw();
    const changed = comparison.params.filter((r) => r.differs).length;
    return h(
      'section',
      { class: 'section', attrs: { 'aria-labelledby': 'params-h' } },
      h(
        'div',
        { class: 'section-head' },
        h(
          'h2',
          { attrs: { id: 'params-h' } },
          'Params ',
          h('span', { class: 'muted' }, `${changed} of ${comparison.params.length} differ`),
        ),
        only,
        this.exportButton('Export CSV', 'csv', 'params.csv', () =>
          paramsCsv(comparison, this.ui.onlyChanged),
        ),
      ),
      body,
    );
  }

  private metricsSection(comparison: Comparison): HTMLElement {
    const labels = this.labels;
    const cell = (c: MetricCell, i: number, best: boolean): Child => {
      if (c.last === undefined && c.best === undefined)
        return h('td', { class: 'mono muted' }, c.count ? 'NaN' : '—');
      const delta =
        i === comparison.baseline || c.deltaLast === undefined
          ? null
          : h(
              'div',
              { class: `delta ${c.verdictLast ?? ''}`, title: `vs baseline: ${c.verdictLast}` },
              `${c.deltaLast > 0 ? '+' : ''}${formatValue(c.deltaLast)}`,
              c.pctLast === undefined ? '' : ` (${c.pctLast > 0 ? '+' : ''}${c.pctLast.toFixed(1)}%)`,
            );
      return h(
        'td',
        {
          class: `mono metric-cell${best ? ' best' : ''}`,
          attrs: { 'data-verdict': c.verdictLast ?? (i === comparison.baseline ? 'baseline' : '') },
        },
        h('div', { class: 'last' }, c.last === undefined ? '—' : formatValue(c.last)),
        h('div', { class: 'best-value muted' }, `best ${c.best === undefined ? '—' : formatValue(c.best)}`),
        delta,
      );
    };
    return h(
      'section',
      { class: 'section', attrs: { 'aria-labelledby': 'metrics-h' } },
      h(
        'div',
        { class: 'section-head' },
        h(
          'h2',
          { attrs: { id: 'metrics-h' } },
          'Metrics ',
          h(
            'span',
            { class: 'muted' },
            `last and best; change vs ${labels[comparison.baseline] ?? 'baseline'}`,
          ),
        ),
        this.exportButton('Export CSV', 'csv', 'metrics.csv', () => metricsCsv(comparison)),
      ),
      comparison.metrics.length === 0
        ? h('p', { class: 'empty' }, 'No metrics.')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'data-table metrics-table' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  h('th', { attrs: { scope: 'col' } }, 'metric'),
                  ...labels.map((l) => h('th', { attrs: { scope: 'col' } }, l)),
                ),
              ),
              h(
                'tbody',
                null,
                ...comparison.metrics.map((row) =>
                  h(
                    'tr',
                    { attrs: { 'data-metric': row.name } },
                    h(
                      'th',
                      { attrs: { scope: 'row' } },
                      row.name,
                      h(
                        'span',
                        {
                          class: 'muted goal',
                          title:
                            row.goalSource === 'guess'
                              ? 'guessed from the name; set runlog.metricGoals'
                              : 'from runlog.metricGoals',
                        },
                        ` ${row.goal === 'min' ? '↓ lower is better' : '↑ higher is better'}${row.goalSource === 'guess' ? '?' : ''}`,
                      ),
                    ),
                    ...row.cells.map((c, i) => cell(c, i, row.bestRun === i)),
                  ),
                ),
              ),
            ),
          ),
    );
  }

  private chartsSection(state: CompareState): HTMLElement {
    const axis = h(
      'vscode-single-select',
      { attrs: { 'aria-label': 'X axis' } },
      ...(['step', 'time', 'relative'] as XAxis[]).map((a) =>
        h('vscode-option', { attrs: { value: a, selected: a === state.axis } }, X_TITLES[a]),
      ),
    ) as HTMLElement & { value: string };
    axis.addEventListener('change', () => this.post({ type: 'setAxis', axis: axis.value as XAxis }));
    const smoothing = h('input', {
      attrs: {
        type: 'range',
        min: 0,
        max: 0.99,
        step: 0.01,
        value: this.ui.smoothing,
        'aria-label': 'Smoothing',
      },
    });
    const smoothingValue = h('span', { class: 'mono' }, this.ui.smoothing.toFixed(2));
    smoothing.addEventListener(
      'input',
      () => (smoothingValue.textContent = Number(smoothing.value).toFixed(2)),
    );
    smoothing.addEventListener('change', () => {
      this.setUi({ smoothing: Number(smoothing.value) });
      for (const name of this.charts.keys()) void this.drawChart(name);
    });
    const log = h('vscode-checkbox', {
      attrs: { label: 'Log scale', checked: this.ui.logY },
    }) as HTMLElement & { checked: boolean };
    log.addEventListener('change', () => {
      this.setUi({ logY: log.checked });
      for (const name of this.charts.keys()) void this.drawChart(name);
    });
    const grid = h('div', { class: 'charts' });
    for (const data of state.comparison.charts) {
      const element = h('div', { class: 'chart', attrs: { 'data-metric': data.name } });
      const reset = h(
        'vscode-button',
        {
          attrs: { secondary: true, hidden: true },
          on: { click: () => this.post({ type: 'zoom', metric: data.name, range: null }) },
        },
        'Reset zoom',
      );
      const info = h('span', { class: 'muted chart-info' });
      const chart = new EmbeddedChart(
        element,
        (message) => (this.status.textContent = message),
        (range) => {
          if (!range) return;
          // Time axes are drawn in ms; the extension works in seconds.
          const scale = state.axis === 'time' ? 1000 : 1;
          this.post({ type: 'zoom', metric: data.name, range: [range[0] / scale, range[1] / scale] });
        },
      );
      this.charts.set(data.name, { chart, data, zoom: null });
      const safeName = data.name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'chart';
      grid.append(
        h(
          'figure',
          { class: 'chart-card' },
          h(
            'figcaption',
            null,
            h('strong', null, data.name),
            info,
            h(
              'span',
              { class: 'chart-actions' },
              reset,
              this.exportButton('PNG', 'png', `${safeName}.png`, () => chart.toPng()),
              this.exportButton('SVG', 'svg', `${safeName}.svg`, () => chart.toSvg()),
            ),
          ),
          element,
        ),
      );
    }
    return h(
      'section',
      { class: 'section', attrs: { 'aria-labelledby': 'charts-h' } },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { attrs: { id: 'charts-h' } }, 'Charts'),
        h('label', null, 'x: ', axis),
        h('label', { class: 'smoothing' }, 'Smoothing ', smoothing, smoothingValue),
        log,
        h('span', { class: 'muted' }, 'Drag on a chart to zoom (full resolution), double-click to clear.'),
      ),
      state.comparison.charts.length ? grid : h('p', { class: 'empty' }, 'No metric points to chart.'),
    );
  }

  private theme(): MultiChartTheme {
    return {
      labels: cssVar('--vscode-descriptionForeground', '#9d9d9d'),
      grid: cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)'),
      fontFamily: cssVar('--vscode-font-family', 'sans-serif'),
      fontSize: 11,
      palette: PALETTE,
    };
  }

  private async drawChart(name: string): Promise<void> {
    const entry = this.charts.get(name);
    const state = this.state;
    if (!entry || !state) return;
    const labels = this.labels;
    const ids = state.comparison.runs.map((r) => r.id);
    const xScale = state.axis === 'time' ? 1000 : 1;
    const rows: SeriesRow[] = [];
    const raw: SeriesRow[] = [];
    const info: string[] = [];
    for (const s of entry.data.series) {
      const label = labels[ids.indexOf(s.runId)] ?? s.runId;
      const ys = smooth(s.y, this.ui.smoothing);
      for (let i = 0; i < s.x.length; i++) {
        rows.push({ series: label, x: s.x[i] * xScale, y: ys[i] });
        if (this.ui.smoothing > 0) raw.push({ series: label, x: s.x[i] * xScale, y: s.y[i] });
      }
      if (s.sampled) info.push(`${label}: ${s.x.length} of ${s.total} points`);
      if (s.nonFinite) info.push(`${label}: ${s.nonFinite} NaN/Inf not drawn`);
    }
    const figure = entry.chart.element.closest('figure');
    const infoEl = figure?.querySelector('.chart-info');
    if (infoEl) infoEl.textContent = info.length ? ` ${info.join('; ')}` : '';
    const reset = figure?.querySelector('vscode-button[hidden], vscode-button.reset');
    if (reset) {
      (reset as HTMLElement).hidden = entry.zoom === null;
      reset.classList.add('reset');
    }
    const width = entry.chart.element.clientWidth || 480;
    await entry.chart.render(
      multiChartSpec(rows, this.theme(), {
        width,
        height: 220,
        xTitle: X_TITLES[state.axis],
        xScale: state.axis === 'time' ? 'time' : 'linear',
        integerX: state.axis === 'step',
        logY: this.ui.logY,
        series: labels,
        raw: this.ui.smoothing > 0 ? raw : undefined,
        xDomain: entry.zoom ? [entry.zoom[0] * xScale, entry.zoom[1] * xScale] : undefined,
      }),
    );
  }

  private parallelSection(comparison: Comparison): HTMLElement {
    const metrics = comparison.metrics.map((m) => m.name);
    if (!this.ui.parallelMetric || !metrics.includes(this.ui.parallelMetric))
      this.ui.parallelMetric = metrics[0];
    const select = h(
      'vscode-single-select',
      { attrs: { 'aria-label': 'Metric axis' } },
      ...metrics.map((m) =>
        h('vscode-option', { attrs: { value: m, selected: m === this.ui.parallelMetric } }, m),
      ),
    ) as HTMLElement & { value: string };
    select.addEventListener('change', () => {
      this.setUi({ parallelMetric: select.value });
      void this.drawParallel();
    });
    const element = h('div', { class: 'chart parallel' });
    this.parallel = new EmbeddedChart(element, (message) => (this.status.textContent = message));
    return h(
      'section',
      { class: 'section', attrs: { 'aria-labelledby': 'parallel-h' } },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { attrs: { id: 'parallel-h' } }, 'Parallel coordinates'),
        metrics.length ? h('label', null, 'metric: ', select) : null,
      ),
      element,
    );
  }

  private async drawParallel(): Promise<void> {
    const state = this.state;
    if (!state || !this.parallel) return;
    const labels = this.labels;
    const { dims, rows } = parallelRows(state.comparison, this.ui.parallelMetric, labels);
    if (dims.length === 0) {
      replaceChildren(
        this.parallel.element,
        h('p', { class: 'empty' }, 'No param differs and no metric: nothing to draw.'),
      );
      return;
    }
    await this.parallel.render(
      parallelSpec(dims, rows, this.theme(), labels, this.parallel.element.clientWidth || 600),
    );
  }

  private dataSection(state: CompareState): HTMLElement {
    const { comparison } = state;
    const labels = this.labels;
    const base = comparison.runs[comparison.baseline];
    const rows = comparison.runs.map((run, i) => {
      const git = run.git;
      const scriptDiff =
        i !== comparison.baseline &&
        base?.git?.commit &&
        git?.commit &&
        base.git.commit !== git.commit &&
        (run.script || base.script)
          ? actionLink(
              'diff script vs baseline',
              () => this.post({ type: 'openScriptDiff', runA: base.id, runB: run.id }),
              'Open the tracked script at the two commits side by side',
            )
          : null;
      const datasets = run.datasets.map((d) => {
        const other = base?.datasets.find((b) => b.name === d.name && b.role === d.role);
        const link =
          i !== comparison.baseline && other && other.digest !== d.digest
            ? actionLink(
                ' diff vs baseline',
                () =>
                  this.post({
                    type: 'runCommand',
                    command: 'runlog.compareDatasetVersions',
                    args: [other.digest, d.digest],
                  }),
                'Compare the two dataset versions',
              )
            : null;
        return h(
          'li',
          null,
          `${d.name} (${d.role}) `,
          h('code', { title: d.digest }, shortDigest(d.digest)),
          link,
        );
      });
      return h(
        'tr',
        null,
        h('th', { attrs: { scope: 'row' } }, labels[i]),
        h(
          'td',
          { class: 'mono' },
          git?.commit ? `${git.commit.slice(0, 10)}${git.dirty ? ' (dirty)' : ''}` : '—',
          git?.branch ? h('span', { class: 'muted' }, ` ${git.branch}`) : null,
          scriptDiff ? h('div', null, scriptDiff) : null,
        ),
        h('td', { class: 'mono' }, run.notebook ?? run.script ?? '—'),
        h('td', null, datasets.length ? h('ul', { class: 'datasets' }, ...datasets) : '—'),
      );
    });
    const cells = state.cells;
    return h(
      'section',
      { class: 'section', attrs: { 'aria-labelledby': 'data-h' } },
      h('div', { class: 'section-head' }, h('h2', { attrs: { id: 'data-h' } }, 'Data and code')),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'data-table code-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ...['run', 'git commit', 'script', 'datasets'].map((t) =>
                h('th', { attrs: { scope: 'col' } }, t),
              ),
            ),
          ),
          h('tbody', null, ...rows),
        ),
      ),
      cells
        ? h(
            'div',
            { class: 'cells' },
            h(
              'h3',
              null,
              cells.length ? `Notebook cells that changed (${cells.length})` : 'No notebook cell changed',
            ),
            ...cells.map((c) =>
              h(
                'details',
                // A handful of changed cells is what the user came to read: open; many stay folded.
                { attrs: { open: cells.length <= 5 } },
                h('summary', { class: 'mono' }, c.cellId),
                h('pre', { class: 'mono diff' }, c.diff),
              ),
            ),
          )
        : null,
    );
  }
}
