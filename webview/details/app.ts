// The Run details page: applies the extension's messages to the model (state.ts) and updates the sections that
// changed. Live updates never rebuild the page: points go to the charts as changesets, output is appended to the
// tail, and a re-sent run document re-renders only the sections whose data differs.
import type { DetailsCommand, FromDetailsWebview } from './contract';
import type { ArtifactRecord, Capture, DatasetRecord, RunDocument } from '../../src/core/store/types';
import { h } from '../shared/dom';
import { cssVar, onThemeChange } from '../shared/theme';
import type { Page } from '../shared/page';
import { formatCount } from '../shared/format';
import { DEFAULT_CHART_THEME, type ChartTheme } from './chartSpec';
import { Header } from './header';
import { MetricsView } from './metrics';
import { OutputView } from './output';
import { renderCapture } from './capture';
import { CellsView } from './cells';
import { renderError } from './error';
import { renderArtifacts, renderDatasets } from './files';
import { renderPromotions } from './promotions';
import { Memo } from './memo';
import { ParamsView } from './paramsView';
import { renderTags } from './tags';
import type { ParamSort } from './params';
import { MetricSeries } from './series';
import { applyMessage, createModel, metricNames, type DetailsModel } from './state';
import { section, type Section } from './ui';

/** What the page remembers across reloads (vscode.setState). */
export interface UiState {
  closed?: string[];
  paramsFilter?: string;
  paramsSort?: ParamSort;
}

type SectionId =
  | 'error'
  | 'cells'
  | 'metrics'
  | 'params'
  | 'tags'
  | 'output'
  | 'artifacts'
  | 'promotions'
  | 'datasets'
  | 'capture';

const SECTIONS: [SectionId, string][] = [
  ['error', 'Error'],
  ['cells', 'Cells'],
  ['metrics', 'Metrics'],
  ['params', 'Params'],
  ['tags', 'Tags'],
  ['output', 'Output'],
  ['artifacts', 'Artifacts'],
  ['promotions', 'Promotions'],
  ['datasets', 'Datasets'],
  ['capture', 'Capture'],
];

function readChartTheme(): ChartTheme {
  return {
    line: cssVar('--vscode-charts-blue', DEFAULT_CHART_THEME.line),
    hover: cssVar('--vscode-foreground', DEFAULT_CHART_THEME.hover),
    labels: cssVar('--vscode-descriptionForeground', DEFAULT_CHART_THEME.labels),
    grid: cssVar('--vscode-charts-lines', cssVar('--vscode-editorWidget-border', DEFAULT_CHART_THEME.grid)),
    fontFamily: cssVar('--vscode-font-family', DEFAULT_CHART_THEME.fontFamily),
    fontSize: 10,
  };
}

export class DetailsApp {
  private readonly model: DetailsModel = createModel();
  private readonly ui: UiState;
  private readonly loading = h('p', { class: 'loading' }, 'Loading run…');
  private readonly page = h('main', { class: 'page' });
  private readonly header: Header;
  private readonly sections: Record<SectionId, Section>;
  private readonly metrics: MetricsView;
  private readonly params: ParamsView;
  private readonly output: OutputView;
  private readonly cells: CellsView;
  private chartTheme: ChartTheme | undefined;
  private readonly memos;

  constructor(
    root: HTMLElement,
    private readonly connection: Page<FromDetailsWebview, UiState>,
  ) {
    this.ui = { ...connection.ui };
    const closed = new Set(this.ui.closed ?? ['capture']);
    this.sections = Object.fromEntries(
      SECTIONS.map(([id, heading]) => [
        id,
        section(id, heading, !closed.has(id), (open) => this.toggled(id, open)),
      ]),
    ) as Record<SectionId, Section>;

    this.header = new Header((command) => this.runCommand(command));
    this.metrics = new MetricsView(() => (this.chartTheme ??= readChartTheme()));
    this.sections.metrics.body.append(this.metrics.root);
    this.params = new ParamsView(
      this.ui.paramsFilter ?? '',
      this.ui.paramsSort ?? { column: 'name', descending: false },
      (filter, sort) => this.saveUi({ paramsFilter: filter, paramsSort: sort }),
    );
    this.sections.params.body.append(this.params.root);
    this.output = new OutputView(this.model.output, () => this.runCommand('runlog.openRunOutput'));
    this.sections.output.body.append(this.output.root);
    this.cells = new CellsView((_notebook, index) => this.post({ type: 'openNotebookCell', index }));
    this.sections.cells.body.append(this.cells.root);
    this.sections.cells.setHidden(true);

    const body = (id: SectionId) => this.sections[id].body;
    const openFile = (relativePath: string) => this.post({ type: 'openFile', relativePath });
    // Keyed on each section's own data: a heartbeat that only moves heartbeatAt re-renders nothing (and does not
    // close the packages list the user opened).
    this.memos = {
      tags: new Memo<Record<string, string>>((tags) => {
        renderTags(body('tags'), tags, () => this.runCommand('runlog.tagRun'));
        this.describe('tags', Object.keys(tags).length);
      }),
      capture: new Memo<Capture>((capture) => renderCapture(body('capture'), capture, openFile)),
      datasets: new Memo<DatasetRecord[]>((datasets) => {
        renderDatasets(body('datasets'), datasets);
        this.describe('datasets', datasets.length);
      }),
      artifacts: new Memo<ArtifactRecord[]>((artifacts) => {
        renderArtifacts(body('artifacts'), artifacts, openFile);
        this.describe('artifacts', artifacts.length);
      }),
      error: new Memo<RunDocument['error']>((error) => {
        this.sections.error.setHidden(!error);
        if (error) renderError(body('error'), error);
      }),
    };

    this.page.append(this.header.root, ...SECTIONS.map(([id]) => this.sections[id].root));
    this.page.hidden = true;
    root.replaceChildren(this.loading, this.page);

    onThemeChange(() => {
      this.chartTheme = undefined;
      this.metrics.retheme();
    });
  }

  handle(message: unknown): void {
    const change = applyMessage(this.model, message);
    switch (change.kind) {
      case 'reset':
        this.loading.hidden = true;
        this.page.hidden = false;
        this.renderRun('all');
        this.output.update(this.model.outputTruncated, true);
        this.sections.cells.setHidden(true);
        this.renderPromotions();
        break;
      case 'run':
        this.renderRun(new Set());
        break;
      case 'points': {
        const run = this.model.view?.run;
        if (!run) break;
        if (change.newMetrics.length > 0) this.renderMetrics(new Set(change.metrics));
        else this.metrics.pointsAdded(change.metrics, run.metrics);
        break;
      }
      case 'cells':
        this.sections.cells.setHidden(!this.model.cells);
        this.describe('cells', this.cells.update(this.model.cells));
        break;
      case 'output':
        this.output.update(this.model.outputTruncated);
        break;
      case 'promotions':
        this.renderPromotions();
        break;
      case 'none':
        break;
    }
  }

  private renderRun(pointsChanged: ReadonlySet<string> | 'all'): void {
    const view = this.model.view;
    if (!view) return;
    const { run } = view;
    document.title = run.name;
    this.header.update(run, view.duration);
    this.renderMetrics(pointsChanged);
    this.describe('params', this.params.update(run.params));
    this.memos.tags.update(run.tags);
    this.memos.capture.update(run.capture);
    this.memos.datasets.update(run.datasets);
    this.memos.artifacts.update(run.artifacts);
    this.memos.error.update(run.error ?? null);
    this.output.setRunning(run.status === 'running');
  }

  private renderPromotions(): void {
    const promotions = this.model.promotions;
    renderPromotions(this.sections.promotions.body, promotions, {
      promote: () => this.runCommand('runlog.promoteRun'),
      retry: (promotionId) => this.post({ type: 'runCommand', command: 'runlog.retryPipeline', promotionId }),
      copyDigest: (digest) => this.post({ type: 'copyDigest', digest }),
    });
    this.describe('promotions', promotions?.length ?? 0);
  }

  private renderMetrics(pointsChanged: ReadonlySet<string> | 'all'): void {
    const view = this.model.view;
    if (!view) return;
    const names = metricNames(this.model);
    const seriesOf = (name: string) => {
      let series = this.model.series.get(name);
      if (!series) this.model.series.set(name, (series = new MetricSeries(name)));
      return series;
    };
    this.metrics.render(names, seriesOf, view.run.metrics, view.primaryMetric, pointsChanged);
    this.describe('metrics', names.length);
  }

  private describe(id: SectionId, count: number): void {
    this.sections[id].setDescription(count > 0 ? formatCount(count) : '');
  }

  private toggled(id: SectionId, open: boolean): void {
    const closed = new Set(this.ui.closed ?? ['capture']);
    if (open) closed.delete(id);
    else closed.add(id);
    this.saveUi({ closed: [...closed] });
  }

  private saveUi(patch: Partial<UiState>): void {
    Object.assign(this.ui, patch);
    this.connection.saveUi(this.ui);
  }

  private runCommand(command: DetailsCommand): void {
    this.post({ type: 'runCommand', command });
  }

  private post(message: FromDetailsWebview): void {
    this.connection.post(message);
  }
}
