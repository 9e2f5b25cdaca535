// One live metric chart: a Vega-Lite line embedded once, then kept in sync with its MetricSeries through changesets
// on the named dataset (appends insert only the new points). Vega runs without eval: the spec is parsed to an AST
// and evaluated by vega-interpreter, as the webview's CSP has no 'unsafe-eval'.
//
// Cheap with many metrics and points: a chart is embedded only once it scrolls into view, updates are coalesced
// to one per animation frame, charts out of view are not updated until they come back, and the series it shows is
// capped (MetricSeries downsamples past MAX_DISPLAY_POINTS).
import embed, { type Result } from 'vega-embed';
import { changeset } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import {
  growDomain,
  HOVER_DATA,
  metricChartSpec,
  POINTS_DATA,
  X_DOMAIN,
  Y_DOMAIN,
  type ChartTheme,
  type Domain,
} from './chartSpec';
import type { ChartPoint, MetricSeries } from './series';

/** Vega's log level "Error": warnings (e.g. empty extents before the first point) stay out of the console. */
const VEGA_LOG_ERROR = 1;
const all = () => true;

const pending = new Set<MetricChart>();
let frame = 0;

function schedule(chart: MetricChart): void {
  pending.add(chart);
  frame ||= requestAnimationFrame(() => {
    frame = 0;
    const charts = [...pending];
    pending.clear();
    for (const c of charts) c.flush();
  });
}

let visibility: IntersectionObserver | undefined;
const charts = new WeakMap<Element, MetricChart>();

function observeVisibility(chart: MetricChart, element: Element): void {
  visibility ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) charts.get(entry.target)?.setVisible(entry.isIntersecting);
    },
    { rootMargin: '300px 0px' },
  );
  charts.set(element, chart);
  visibility.observe(element);
}

export interface MetricChartOptions {
  height: number;
  theme: () => ChartTheme;
  /** The hovered point, or undefined when the pointer leaves. */
  onHover: (point: ChartPoint | undefined) => void;
  onError: (message: string) => void;
}

export class MetricChart {
  private result: Result | undefined;
  private embedding = false;
  /** Bumped by retheme/dispose so an embed that resolves late is discarded. */
  private generation = 0;
  private syncedEpoch = -1;
  private syncedLength = 0;
  private xDomain: Domain | undefined;
  private yDomain: Domain | undefined;
  private visible = false;
  private disposed = false;
  private width = 0;
  private hoverFrame = 0;
  private hovered: ChartPoint | undefined;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    readonly element: HTMLElement,
    private readonly series: MetricSeries,
    private readonly options: MetricChartOptions,
  ) {
    observeVisibility(this, element);
    this.resizeObserver = new ResizeObserver(() => this.resized());
    this.resizeObserver.observe(element);
    element.addEventListener('pointermove', (event) => this.pointerMoved(event));
    element.addEventListener('pointerleave', () => this.hover(undefined));
  }

  /** The series changed: show it on the next frame (or when the chart comes into view). */
  requestUpdate(): void {
    if (this.visible && !this.disposed) schedule(this);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.requestUpdate();
  }

  /** Rebuilds the chart with the current theme colours. */
  retheme(): void {
    this.generation++;
    this.result?.finalize();
    this.result = undefined;
    this.element.replaceChildren();
    this.requestUpdate();
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    pending.delete(this);
    visibility?.unobserve(this.element);
    this.resizeObserver.disconnect();
    this.result?.finalize();
    this.result = undefined;
  }

  /** Brings the view up to date with the series: embeds it first if needed, then inserts what it lacks. */
  flush(): void {
    if (this.disposed || this.series.display.length === 0) return;
    if (!this.result) {
      void this.embed();
      return;
    }
    const { display, epoch } = this.series;
    let change;
    if (epoch !== this.syncedEpoch) {
      // Downsampled again (or first sync): replace everything.
      change = changeset().remove(all).insert(display.map(toTuple));
    } else if (display.length > this.syncedLength) {
      change = changeset().insert(display.slice(this.syncedLength).map(toTuple));
    } else {
      return;
    }
    this.syncedEpoch = epoch;
    this.syncedLength = display.length;
    const view = this.result.view.change(POINTS_DATA, change);
    const { minStep, maxStep, min, max } = this.series;
    const xDomain = growDomain(this.xDomain, minStep, maxStep);
    const yDomain = growDomain(this.yDomain, min, max);
    if (xDomain !== this.xDomain) view.signal(X_DOMAIN, (this.xDomain = xDomain));
    if (yDomain !== this.yDomain) view.signal(Y_DOMAIN, (this.yDomain = yDomain));
    this.run(view);
  }

  private async embed(): Promise<void> {
    const width = this.element.clientWidth;
    if (this.embedding || width === 0) return;
    this.embedding = true;
    const generation = this.generation;
    try {
      const spec = metricChartSpec(this.options.theme(), width, this.options.height);
      const result = await embed(this.element, spec, {
        mode: 'vega-lite',
        renderer: 'canvas',
        actions: false,
        tooltip: false,
        hover: false,
        ast: true,
        expr: expressionInterpreter,
        logLevel: VEGA_LOG_ERROR,
      });
      if (generation !== this.generation) {
        result.finalize();
        return;
      }
      this.result = result;
      this.width = width;
      this.syncedEpoch = -1;
      this.syncedLength = 0;
      this.xDomain = this.yDomain = undefined;
      this.flush();
    } catch (error) {
      this.options.onError(`Chart failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.embedding = false;
      if (!this.result && generation !== this.generation) this.requestUpdate();
    }
  }

  private resized(): void {
    const width = this.element.clientWidth;
    if (width === 0 || width === this.width) return;
    if (this.result) {
      this.width = width;
      this.run(this.result.view.width(width));
    } else {
      this.requestUpdate();
    }
  }

  private pointerMoved(event: PointerEvent): void {
    const view = this.result?.view;
    const canvas = this.element.querySelector('canvas, svg');
    if (!view || !canvas) return;
    const rect = canvas.getBoundingClientRect();
    const [originX] = view.origin();
    const x = event.clientX - rect.left - originX;
    const xScale = view.scale('x') as { invert?: (px: number) => number } | undefined;
    if (!xScale?.invert || x < -4 || x > view.width() + 4) {
      this.hover(undefined);
      return;
    }
    this.hover(this.series.nearest(xScale.invert(x)));
  }

  private hover(point: ChartPoint | undefined): void {
    if (point === this.hovered) return;
    this.hovered = point;
    this.options.onHover(point);
    this.hoverFrame ||= requestAnimationFrame(() => {
      this.hoverFrame = 0;
      const view = this.result?.view;
      if (!view) return;
      const tuples = this.hovered ? [toTuple(this.hovered)] : [];
      this.run(view.change(HOVER_DATA, changeset().remove(all).insert(tuples)));
    });
  }

  private run(view: { runAsync(): Promise<unknown> }): void {
    view.runAsync().catch((error: unknown) => {
      this.options.onError(`Chart failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

/** A fresh object per insert: Vega tags the objects it ingests, and a replaced dataset must not reuse them. */
function toTuple(point: ChartPoint): { step: number; value: number } {
  return { step: point.step, value: point.value };
}
