// The Vega-Lite spec of a chart with several series overlaid (one line per run), with an x brush for zooming.
// Pure: the data comes in as rows, the colours as a theme read by the caller.
import type { TopLevelSpec } from 'vega-lite';

export interface SeriesRow {
  /** Series label (the run's name, made unique). */
  series: string;
  x: number;
  y: number;
}

export type XScale = 'linear' | 'time';

export interface MultiChartTheme {
  labels: string;
  grid: string;
  fontFamily: string;
  fontSize: number;
  /** Colour per series, in series order. */
  palette: string[];
}

export interface MultiChartOptions {
  width: number;
  height: number;
  xTitle: string;
  /** 'time': x is unix milliseconds. */
  xScale: XScale;
  logY: boolean;
  /** Series names in legend order (also the colour order). */
  series: string[];
  /** Rows drawn faintly under the main line (the unsmoothed values while smoothing is on). */
  raw?: SeriesRow[];
  /** The x range shown (a zoom), or undefined for the data's extent. */
  xDomain?: [number, number];
  /** x counts whole things (steps): no ticks between them, so a 3-step chart never reads "0.5". */
  integerX?: boolean;
}

/** Name of the brush selection: its signal holds {x: [lo, hi]} while the user drags. */
export const BRUSH = 'brush';

export function multiChartSpec(
  rows: SeriesRow[],
  theme: MultiChartTheme,
  options: MultiChartOptions,
): TopLevelSpec {
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: options.series, range: theme.palette },
    legend:
      options.series.length > 1
        ? { orient: 'bottom', direction: 'horizontal', columns: 3, labelLimit: 220 }
        : null,
  } as const;
  const x = {
    field: 'x',
    type: options.xScale === 'time' ? 'temporal' : 'quantitative',
    title: options.xTitle,
    scale: { zero: false, nice: false, ...(options.xDomain ? { domain: options.xDomain } : {}) },
    ...(options.integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
  } as const;
  const y = {
    field: 'y',
    type: 'quantitative',
    title: null,
    scale: { type: options.logY ? 'log' : 'linear', zero: false },
  } as const;
  const data = options.logY ? rows.filter((r) => r.y > 0) : rows;
  const raw = options.raw && (options.logY ? options.raw.filter((r) => r.y > 0) : options.raw);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: Math.max(120, Math.floor(options.width)),
    height: Math.max(80, Math.floor(options.height)),
    autosize: { type: 'fit', contains: 'padding' },
    background: 'transparent',
    layer: [
      ...(raw && raw.length
        ? [
            {
              data: { values: raw },
              mark: { type: 'line' as const, strokeWidth: 1, opacity: 0.25, clip: true },
              encoding: { x, y, color: { ...color, legend: null }, detail: { field: 'series' } },
            },
          ]
        : []),
      {
        data: { values: data },
        params: [{ name: BRUSH, select: { type: 'interval', encodings: ['x'] } }],
        mark: { type: 'line', strokeWidth: 1.5, clip: true },
        encoding: {
          x,
          y,
          color,
          tooltip: [
            { field: 'series', title: 'run' },
            { field: 'x', title: options.xTitle, type: x.type },
            { field: 'y', title: 'value', format: '.6~g' },
          ],
        },
      },
    ],
    config: {
      aria: false,
      font: theme.fontFamily,
      view: { stroke: null },
      mark: { invalid: 'filter' },
      legend: {
        labelColor: theme.labels,
        labelFont: theme.fontFamily,
        labelFontSize: theme.fontSize,
        symbolType: 'stroke',
      },
      axis: {
        labelColor: theme.labels,
        titleColor: theme.labels,
        labelFontSize: theme.fontSize,
        titleFontSize: theme.fontSize,
        titleFontWeight: 'normal',
        domainColor: theme.grid,
        tickColor: theme.grid,
        gridColor: theme.grid,
        gridOpacity: 0.6,
      },
      axisX: { grid: false, tickCount: 6, labelOverlap: true },
      axisY: { grid: true, tickCount: 5, domain: false, ticks: false, labelOverlap: true },
    },
  };
}

/** Exponential moving average with TensorBoard's debiasing, weight 0 (none) to 0.99. */
export function smooth(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return values.slice();
  const w = Math.min(0.999, weight);
  const out: number[] = [];
  let last = 0;
  let debias = 0;
  for (const v of values) {
    last = last * w + (1 - w) * v;
    debias = debias * w + (1 - w);
    out.push(last / debias);
  }
  return out;
}

/** Distinct colours that read on light and dark backgrounds (Tableau 10). */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
