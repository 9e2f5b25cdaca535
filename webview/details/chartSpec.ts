// The Vega-Lite spec of a metric chart. Pure (no DOM): the colours come in as a ChartTheme read from VS Code's CSS
// variables by the caller. Data is not in the spec: the chart fills the named datasets through the view's
// changesets, so live points are inserted without compiling or embedding again.
import type { TopLevelSpec } from 'vega-lite';

/** Named dataset with the displayed points ({ step, value }). */
export const POINTS_DATA = 'points';
/** Named dataset with the hovered point (zero or one tuple). */
export const HOVER_DATA = 'hover';
/** Signals holding the scale domains (see growDomain). */
export const X_DOMAIN = 'xDomain';
export const Y_DOMAIN = 'yDomain';

export type Domain = readonly [number, number];

/** 1, 2, 2.5 or 5 times a power of ten: the tick step for about `count` ticks over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const n = raw / magnitude;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * magnitude;
}

/**
 * The domain of a chart axis holding [min, max]: `current` itself (same reference) while the data stays inside it,
 * else a new one rounded out to a nice step of about a tenth of the range. Keeping the domain while points stream in
 * is what keeps live updates cheap: when a scale changes, Vega re-encodes every point of the chart; when it does
 * not, only the new ones. The rounding leaves up to a step of room, so a growing series rescales about once per
 * 10–20% of growth (a few dozen times from step 100 to step 1,000,000), and the line nearly fills the chart.
 */
export function growDomain(current: Domain | undefined, min: number, max: number, steps = 10): Domain {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) return current ?? [0, 1];
  if (current && current[0] <= min && max <= current[1]) return current;
  const span = max - min || Math.abs(max) || 1;
  const step = niceStep(span, steps);
  let lo = Math.floor(min / step) * step;
  let hi = Math.ceil(max / step) * step;
  if (lo === hi) {
    lo -= step;
    hi += step;
  }
  return [lo, hi];
}

export interface ChartTheme {
  line: string;
  hover: string;
  labels: string;
  grid: string;
  fontFamily: string;
  fontSize: number;
}

export const DEFAULT_CHART_THEME: ChartTheme = {
  line: '#3794ff',
  hover: '#cccccc',
  labels: '#9d9d9d',
  grid: 'rgba(128, 128, 128, 0.35)',
  fontFamily: 'sans-serif',
  fontSize: 10,
};

export function metricChartSpec(theme: ChartTheme, width: number, height: number): TopLevelSpec {
  const x = {
    field: 'step',
    type: 'quantitative',
    title: null,
    scale: { domain: { expr: X_DOMAIN }, nice: false, zero: false },
  } as const;
  const y = {
    field: 'value',
    type: 'quantitative',
    title: null,
    scale: { domain: { expr: Y_DOMAIN }, nice: false, zero: false },
  } as const;
  return {
    width: Math.max(60, Math.floor(width)),
    height: Math.max(40, Math.floor(height)),
    // The whole chart (axes included) fits width × height; `resize` re-runs the layout when data changes the axes.
    autosize: { type: 'fit', contains: 'padding', resize: true },
    padding: { left: 2, right: 8, top: 6, bottom: 2 },
    background: 'transparent',
    params: [
      { name: X_DOMAIN, value: [0, 1] },
      { name: Y_DOMAIN, value: [0, 1] },
    ],
    layer: [
      {
        data: { name: POINTS_DATA },
        mark: { type: 'line', color: theme.line, strokeWidth: 1.5, strokeJoin: 'round', clip: true },
        encoding: { x, y },
      },
      {
        data: { name: HOVER_DATA },
        mark: { type: 'rule', color: theme.hover, strokeDash: [3, 3], strokeWidth: 1, opacity: 0.7 },
        encoding: { x },
      },
      {
        data: { name: HOVER_DATA },
        mark: { type: 'point', filled: true, color: theme.line, size: 40, opacity: 1 },
        encoding: { x, y },
      },
    ],
    config: {
      // Per-point ARIA descriptions and "defined" checks would be evaluated for every point on every update (by the
      // interpreter, slower than compiled code). The data has only finite numbers, so neither is needed.
      aria: false,
      mark: { invalid: 'filter' },
      font: theme.fontFamily,
      view: { stroke: null },
      axis: {
        labelColor: theme.labels,
        labelFont: theme.fontFamily,
        labelFontSize: theme.fontSize,
        titleColor: theme.labels,
        domainColor: theme.grid,
        tickColor: theme.grid,
        gridColor: theme.grid,
        gridOpacity: 0.6,
        tickSize: 3,
        labelPadding: 3,
      },
      // Steps are integers: no 0.5 ticks on a short run.
      axisX: { grid: false, tickCount: 5, tickMinStep: 1, labelFlush: true, labelOverlap: true },
      axisY: { grid: true, tickCount: 4, domain: false, ticks: false, labelOverlap: true },
    },
  };
}
