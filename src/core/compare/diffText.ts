import { formatValue } from '../format';
import type { MetricCell } from './metricsTable';
import type { Comparison } from './prepare';

// `runlog diff`: the Compare panel's params and metrics tables as text for a terminal, or as JSON.

function letter(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `R${i + 1}`;
}

function signed(value: number, suffix = ''): string {
  const text = formatValue(value);
  return `${value > 0 ? '+' : ''}${text}${suffix}`;
}

function metricText(cell: MetricCell, isBaseline: boolean): string {
  if (cell.last === undefined) return cell.count > 0 ? 'NaN' : '-';
  if (isBaseline || cell.deltaLast === undefined) return formatValue(cell.last);
  const pct = cell.pctLast === undefined ? '' : `, ${signed(Number(cell.pctLast.toFixed(1)), '%')}`;
  return `${formatValue(cell.last)} (${signed(cell.deltaLast)}${pct}, ${cell.verdictLast})`;
}

export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Where goals that are not guessed came from, for the note under the metrics (`runlog diff`). */
export interface GoalOrigins {
  /** Metric name → where its goal was set, e.g. "--goal" or a settings file's path. */
  origins: ReadonlyMap<string, string>;
}

/** Which goals were set (and where) and which were guessed. */
function goalsNote(comparison: Comparison, goals?: GoalOrigins): string {
  if (!goals) return 'goal: min/max from runlog.metricGoals; "?" guessed from the name\n';
  const bySource = new Map<string, string[]>();
  const guessed: string[] = [];
  for (const row of comparison.metrics) {
    const origin = row.goalSource === 'setting' ? goals.origins.get(row.name) : undefined;
    if (!origin) {
      guessed.push(`${row.name}=${row.goal}`);
      continue;
    }
    bySource.set(origin, [...(bySource.get(origin) ?? []), `${row.name}=${row.goal}`]);
  }
  const lines = [...bySource].map(([origin, names]) => `goals set by ${origin}: ${names.join(', ')}`);
  if (guessed.length > 0) lines.push(`goals guessed from the name ("?"): ${guessed.join(', ')}`);
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

export function formatDiff(
  comparison: Comparison,
  options: { all?: boolean; goals?: GoalOrigins } = {},
): string {
  const { runs, baseline } = comparison;
  const indent = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n') + '\n';
  let out = 'runs\n';
  out += indent(
    table(
      runs.map((run, i) => [
        letter(i),
        run.name,
        run.id,
        run.status,
        run.git?.commit ? run.git.commit.slice(0, 10) + (run.git.dirty ? '*' : '') : '',
        i === baseline ? 'baseline' : '',
      ]),
    ),
  );
  const header = ['', ...runs.map((_, i) => letter(i))];
  const shown = comparison.params.filter((row) => options.all || row.differs);
  const same = comparison.params.length - comparison.params.filter((row) => row.differs).length;
  out += `\nparams${options.all ? '' : ` that differ (${same} the same${same > 0 ? ', --all shows them' : ''})`}\n`;
  out += shown.length
    ? indent(
        table([
          header,
          ...shown.map((row) => [
            (row.differs && options.all ? '* ' : '') + row.name,
            ...row.values.map((v) => (v === undefined ? '-' : String(v))),
          ]),
        ]),
      )
    : '  (none)\n';
  out += `\nmetrics: last value (change vs ${letter(baseline)})\n`;
  out += comparison.metrics.length
    ? indent(
        table([
          ['', 'goal', ...runs.map((_, i) => letter(i))],
          ...comparison.metrics.map((row) => [
            row.name,
            row.goal + (row.goalSource === 'guess' ? '?' : ''),
            ...row.cells.map((cell, i) => metricText(cell, i === baseline)),
          ]),
        ]),
      )
    : '  (none)\n';
  out += `\n${goalsNote(comparison, options.goals)}`;
  return out;
}

/** The JSON form: the same tables, values as numbers (null where missing). */
export function diffJson(comparison: Comparison, goals?: GoalOrigins): unknown {
  return {
    runs: comparison.runs,
    baseline: comparison.runs[comparison.baseline]?.id ?? null,
    params: comparison.params.map((row) => ({
      name: row.name,
      differs: row.differs,
      values: row.values.map((v) => (v === undefined ? null : v)),
    })),
    metrics: comparison.metrics.map((row) => ({
      name: row.name,
      goal: row.goal,
      goalSource: row.goalSource,
      ...(goals && row.goalSource === 'setting' ? { goalSetBy: goals.origins.get(row.name) ?? null } : {}),
      best: row.bestRun === undefined ? null : comparison.runs[row.bestRun].id,
      values: row.cells.map((cell) => ({
        last: cell.last ?? null,
        best: cell.best ?? null,
        count: cell.count,
        deltaLast: cell.deltaLast ?? null,
        pctLast: cell.pctLast ?? null,
        verdict: cell.verdictLast ?? null,
      })),
    })),
  };
}
