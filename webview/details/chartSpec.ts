// The Vega-Lite spec of a metric chart. Pure (no DOM): the colours come in as a ChartTheme read from VS Code's CSS
// variables by the caller. Data is not in the spec: the chart fills the named datasets through the view's
// changesets, so live points are inserted without compiling or embedding again.
import type { TopLevelSpec } from 'vega-lite';

/** Named dataset with the displayed points ({ step, value }). */
export const POINTS_DATA = 'points';
/** Named dataset with the hovered point (zero or one tuple). */
export const HOVER_DATA = 'hover';

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
  const x = { field: 'step', type: 'quantitative', title: null } as const;
  const y = { field: 'value', type: 'quantitative', title: null, scale: { zero: false } } as const;
  return {
    width: Math.max(60, Math.floor(width)),
    height: Math.max(40, Math.floor(height)),
    // The whole chart (axes included) fits width × height; `resize` re-runs the layout when data changes the axes.
    autosize: { type: 'fit', contains: 'padding', resize: true },
    padding: { left: 2, right: 8, top: 6, bottom: 2 },
    background: 'transparent',
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
