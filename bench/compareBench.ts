// Compare benchmark: preparing a comparison of 10 runs whose metrics hold 1,000,000 points each (the series are
// already read, as in an open Compare panel), and reading one such metrics.jsonl cold. Run by bench/run.ts in a
// fresh Node process; prints one JSON line. Usage: tsx bench/compareBench.ts prepare <workdir>
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chartMetric, prepareComparison, RunSeries, SeriesColumns } from '../src/core/compare';
import type { RunDocument } from '../src/core/store/types';

const RUNS = 10;
const POINTS = 1_000_000;

function syntheticColumns(seed: number): SeriesColumns {
  const columns = new SeriesColumns(POINTS);
  let v = 1;
  let s = seed;
  for (let i = 0; i < POINTS; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    v = v * 0.999995 + (s / 2 ** 31 - 0.5) * 0.01;
    columns.push(i, i % 50_000 === 0 ? v + 5 : v, 1_763_762_295 + i * 0.01);
  }
  return columns;
}

function runDoc(i: number): RunDocument {
  return {
    schema: 1,
    id: `20260101-0000${String(i).padStart(2, '0')}-000-bench${i}`,
    name: `run-${i}`,
    experiment: 'bench',
    status: 'finished',
    startTime: '2025-11-21T22:00:00.000Z',
    params: { lr: 0.001 * (i + 1), batch: 64, optimizer: i % 2 ? 'adam' : 'sgd' },
    tags: {},
    metrics: { loss: { last: 0.1, min: 0.05, max: 6, count: POINTS, step: POINTS - 1, time: 0 } },
    capture: {},
    datasets: [],
    artifacts: [],
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function prepare(work: string): Promise<Record<string, number>> {
  const runs = Array.from({ length: RUNS }, (_, i) => runDoc(i));
  const series = new Map(runs.map((run, i) => [run.id, syntheticColumns(i + 1)]));
  const lookup = (id: string) => series.get(id);
  const times: number[] = [];
  let maxSent = 0;
  for (let trial = 0; trial < 7; trial++) {
    const t0 = performance.now();
    const comparison = prepareComparison(runs, lookup, { baseline: 0 });
    times.push(performance.now() - t0);
    for (const chart of comparison.charts)
      for (const s of chart.series) maxSent = Math.max(maxSent, s.x.length);
  }
  const zoom: number[] = [];
  let zoomSent = 0;
  for (let trial = 0; trial < 7; trial++) {
    const t0 = performance.now();
    const chart = chartMetric(runs, 'loss', lookup, { range: [400_000, 401_500] });
    zoom.push(performance.now() - t0);
    zoomSent = Math.max(...chart.series.map((s) => s.x.length));
  }

  // Cold read of one run's metrics.jsonl with 1,000,000 points (what opening the panel costs once per run).
  const dir = join(work, 'cold');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'metrics.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < POINTS; i++) {
    lines.push(
      `{"key": "loss", "value": ${Math.sin(i / 1000)}, "step": ${i}, "time": ${1_763_762_295 + i * 0.01}}`,
    );
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const t0 = performance.now();
  const reader = new RunSeries('cold', file);
  await reader.refresh();
  const coldReadMs = performance.now() - t0;
  return {
    prepareMedianMs: median(times),
    prepareMaxMs: Math.max(...times),
    maxPointsSent: maxSent,
    zoomMedianMs: median(zoom),
    zoomPointsSent: zoomSent,
    coldReadMs,
    coldReadPoints: reader.get('loss')?.length ?? 0,
  };
}

const [, , mode, work] = process.argv;
if (mode === 'prepare') {
  prepare(work).then(
    (result) => console.log(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

/**
 * Runs the measurements in a fresh Node process (nothing else of the benchmark in its heap). The workbench
 * measurements (Runs view, runs table) are bench/compareWorkbenchBench.ts's own section.
 */
export function measureCompare(work: string): Record<string, number> {
  console.log('[bench] compare: 10 runs × 1,000,000 points…');
  const lastJson = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
  const prepared = lastJson(
    execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(__dirname, 'compareBench.ts'), 'prepare', work],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    ),
  );
  return prepared;
}

/** The report section bench/run.ts adds to docs/benchmarks.md. */
export function compareSection(result: Record<string, number>): string {
  const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
  const ok = (pass: boolean) => (pass ? 'met' : '**missed**');
  return `
## Compare (bench/compareBench.ts)

| what | goal | measured | |
| --- | --- | --- | --- |
| prepare a comparison of ${RUNS} runs × ${POINTS.toLocaleString('en')} points (tables + downsampled charts; series in memory) | < 200 ms | median ${ms(result.prepareMedianMs)}, max ${ms(result.prepareMaxMs)} | ${ok(result.prepareMedianMs < 200)} |
| points sent per series | ≤ ~2,000 | ${result.maxPointsSent} | ${ok(result.maxPointsSent <= 2000)} |
| zoom: full resolution of a 1,500-step range, ${RUNS} runs | | median ${ms(result.zoomMedianMs)}, ${result.zoomPointsSent} points per series | |

Reading one run's metrics.jsonl of ${result.coldReadPoints.toLocaleString('en')} points from disk (once per run when the panel
opens; later only appended bytes are read): ${ms(result.coldReadMs)}.
`;
}
