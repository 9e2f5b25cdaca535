// Parallel coordinates over the compared runs' params (those that differ) and one metric: each axis is scaled
// to [0, 1] (numbers by their range, text by its sorted distinct values), so one Vega-Lite line chart draws it.
import type { TopLevelSpec } from 'vega-lite';
import type { Comparison } from '../../src/core/compare';
import type { MultiChartTheme } from '../shared/multiChartSpec';

type Value = string | number | boolean | null | undefined;

export interface ParallelRow {
  series: string;
  dim: string;
  norm: number;
  raw: string;
}

export function parallelRows(
  comparison: Comparison,
  metric: string | undefined,
  labels: readonly string[],
): { dims: string[]; rows: ParallelRow[] } {
  const params = comparison.params.filter((row) => row.differs);
  const axes: { dim: string; values: Value[] }[] = params.map((row) => ({
    dim: row.name,
    values: row.values,
  }));
  const metricRow = comparison.metrics.find((m) => m.name === metric);
  if (metricRow) axes.push({ dim: `${metricRow.name} (last)`, values: metricRow.cells.map((c) => c.last) });
  const rows: ParallelRow[] = [];
  for (const axis of axes) {
    const numbers = axis.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const allNumeric = numbers.length === axis.values.filter((v) => v !== undefined && v !== null).length;
    let scale: (v: Value) => number | undefined;
    if (allNumeric && numbers.length > 0) {
      const lo = Math.min(...numbers);
      const hi = Math.max(...numbers);
      scale = (v) =>
        typeof v === 'number' && Number.isFinite(v) ? (hi === lo ? 0.5 : (v - lo) / (hi - lo)) : undefined;
    } else {
      const distinct = [...new Set(axis.values.filter((v) => v !== undefined).map((v) => String(v)))].sort();
      scale = (v) => {
        if (v === undefined) return undefined;
        const i = distinct.indexOf(String(v));
        return distinct.length === 1 ? 0.5 : i / (distinct.length - 1);
      };
    }
    axis.values.forEach((value, i) => {
      const norm = scale(value);
      if (norm === undefined) return;
      rows.push({ series: labels[i], dim: axis.dim, norm, raw: String(value) });
    });
  }
  return { dims: axes.map((a) => a.dim), rows };
}

export function parallelSpec(
  dims: string[],
  rows: ParallelRow[],
  theme: MultiChartTheme,
  series: string[],
  width: number,
): TopLevelSpec {
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: series, range: theme.palette },
  } as const;
  const x = {
    field: 'dim',
    type: 'ordinal',
    sort: dims,
    title: null,
    axis: { labelAngle: 0, labelLimit: 140 },
  } as const;
  const y = {
    field: 'norm',
    type: 'quantitative',
    title: null,
    axis: null,
    scale: { domain: [0, 1] },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: Math.max(200, Math.floor(width)),
    height: 220,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'transparent',
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', color: theme.grid }, encoding: { x } },
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color, detail: { field: 'series' } } },
      {
        mark: { type: 'point', filled: true, size: 40 },
        encoding: {
          x,
          y,
          color,
          tooltip: [
            { field: 'series', title: 'run' },
            { field: 'dim', title: 'axis' },
            { field: 'raw', title: 'value' },
          ],
        },
      },
    ],
    config: {
      aria: false,
      font: theme.fontFamily,
      view: { stroke: null },
      legend: { orient: 'bottom', labelColor: theme.labels, labelFontSize: theme.fontSize },
      axis: {
        labelColor: theme.labels,
        labelFontSize: theme.fontSize,
        domainColor: theme.grid,
        tickColor: theme.grid,
      },
    },
  } as TopLevelSpec;
}

/** Run labels for legends: the name, with the id's end added where two runs share a name. */
export function runLabels(runs: readonly { id: string; name: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.name, (counts.get(run.name) ?? 0) + 1);
  return runs.map((run) =>
    (counts.get(run.name) ?? 0) > 1 ? `${run.name} (${run.id.slice(-6)})` : run.name,
  );
}
