import type { Comparison } from './prepare';

// CSV of the Compare panel's tables (RFC 4180: quoted when needed, CRLF line ends as spreadsheets expect).

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export type CsvCell = string | number | boolean | null | undefined;

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function runLabels(comparison: Comparison): string[] {
  // Names may repeat across runs; the id keeps columns apart.
  return comparison.runs.map((run) => `${run.name} (${run.id})`);
}

export function paramsCsv(comparison: Comparison, onlyDiffering = false): string {
  const rows = comparison.params.filter((row) => !onlyDiffering || row.differs);
  return toCsv([['param', ...runLabels(comparison)], ...rows.map((row) => [row.name, ...row.values])]);
}

export function metricsCsv(comparison: Comparison): string {
  const header = ['metric', 'goal'];
  for (const label of runLabels(comparison)) {
    header.push(`${label} last`, `${label} best`, `${label} delta last`, `${label} % last`);
  }
  const rows = comparison.metrics.map((row) => {
    const cells: CsvCell[] = [row.name, row.goal];
    for (const cell of row.cells) cells.push(cell.last, cell.best, cell.deltaLast, cell.pctLast);
    return cells;
  });
  return toCsv([header, ...rows]);
}
