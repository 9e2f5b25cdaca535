/**
 * CSV cells as spreadsheet tools can open them safely. A text cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is read as a formula by Excel, LibreOffice and Google Sheets (CSV injection); as OWASP
 * recommends, such a cell is prefixed with a single quote and quoted. Numbers are written by `csvNumber`, never
 * neutralised: `-0.5` stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvText(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A number cell: finite numbers as JavaScript writes them, and the store's `NaN`, `Infinity`, `-Infinity`. */
export function csvNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return Object.is(value, -0) ? '-0' : String(value);
}

export function csvRow(cells: string[]): string {
  return `${cells.join(',')}\n`;
}
