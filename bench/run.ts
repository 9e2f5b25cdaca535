// `npm run bench`: measures Runlog against its goals and a baseline measured in the same run, and writes
// docs/benchmarks.md. Each store measurement runs in a fresh Node process (see storeBench.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measurePythonFastLoop, pythonFastLoopSection } from './pythonFastLoopBench';
import { compareSection, measureCompare } from './compareBench';
import { compareWorkbenchSection, measureCompareWorkbench } from './compareWorkbenchBench';
import { runDatasetsBench } from './datasetsBench';
import { notebooksSection } from './notebooksBench';
import { measurePromote, promoteSection } from './promoteBench';

const repo = join(__dirname, '..');
const RUNS = Number(process.env.RUNLOG_BENCH_RUNS ?? 10_000);

function node(args: string[]): Record<string, number | boolean> {
  if (args[0] === 'generate') {
    execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'storeBench.ts'), ...args], {
      cwd: repo,
      stdio: 'inherit',
    });
    return {};
  }
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(__dirname, 'storeBench.ts'), ...args],
    {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number | boolean>;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'runlog-bench-'));
  try {
    console.log('[bench] python client…');
    const py = JSON.parse(
      execFileSync('python3', [join(repo, 'src/python/bench/bench_client.py')], {
        cwd: repo,
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .at(-1)!,
    ) as { points_per_sec: Record<string, number>; ratio: Record<string, number>; points: number };

    console.log('[bench] python client, fast loop…');
    const fastLoop = measurePythonFastLoop(repo);

    console.log(`[bench] generating a store of ${RUNS} runs (50 params, 10 metrics × 1,000 points each)…`);
    const big = join(work, 'big', '.runlog');
    node(['generate', big, String(RUNS)]);
    console.log('[bench] listing (3 fresh processes)…');
    const lists = [0, 1, 2].map(() => node(['list', big]));
    const floor = median([0, 1, 2].map(() => node(['floor', big]).ms as number));
    const small = join(work, 'small', '.runlog');
    node(['generate', small, '500']);
    const naive500 = node(['naive', small]).ms as number;
    console.log('[bench] live latency…');
    const live = node(['live', join(work, 'live', '.runlog'), '60']);
    const pyLive = node(['python-live', join(work, 'pylive', '.runlog'), '20']);
    console.log('[bench] export of a large metrics file…');
    const exported = exportBench(join(work, 'export'));

    const compare = measureCompare(work);
    const compareWorkbench = measureCompareWorkbench(work);
    console.log('[bench] promotion (1 GB push vs curl -T)…');
    const promoted = await measurePromote();
    const cold = median(lists.map((l) => l.coldMs as number));
    const warmList = median(lists.map((l) => l.warmListMs as number));
    const warmRefresh = median(lists.map((l) => l.warmRefreshMs as number));
    const rss = median(lists.map((l) => l.rssGrowthMB as number));
    const heap = median(lists.map((l) => l.heapGrowthMB as number));
    const ok = (pass: boolean) => (pass ? 'met' : '**missed**');
    const ratioSingle = py.ratio.log_metric_vs_bare;
    const ratioBatch = py.ratio.log_metrics_vs_bare;

    const datasets = runDatasetsBench(); // dataset versions: its own section, its own temp data

    const report = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'},
Node ${process.version}, ${execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim()}). Every baseline was measured in the same run.
Store measurements run in a fresh Node process each; "cold" means nothing of the store is in the process yet (the
operating system's file cache may hold it, as it does for a user reopening a window).

## Goals

| what | goal | measured | baseline (same run) | |
| --- | --- | --- | --- | --- |
| Python \`log_metric\` throughput | ≤ 2× the bare loop's time | ${ratioSingle.toFixed(2)}× (${fmtRate(py.points_per_sec.log_metric)} points/s) | bare loop writing the same JSON lines: ${fmtRate(py.points_per_sec.bare_loop)} points/s | ${ok(ratioSingle <= 2)} |
| Python \`log_metrics\` (10 keys a call) | ≤ 2× the bare loop's time | ${ratioBatch.toFixed(2)}× (${fmtRate(py.points_per_sec.log_metrics_10_keys)} points/s) | bare loop, 10 lines a step: ${fmtRate(py.points_per_sec.bare_loop_10_keys)} points/s | ${ok(ratioBatch <= 2)} |
| list ${RUNS.toLocaleString('en')} runs with summaries, cold | < 1 s | ${ms(cold)} | cheapest possible listing (readFileSync + JSON.parse of each run.json, nothing else): ${ms(floor)}; reading every metrics file instead of summaries: ${ms(naive500)} for 500 runs (≈ ${((naive500 * RUNS) / 500 / 1000).toFixed(0)} s for ${RUNS.toLocaleString('en')}) | ${ok(cold < 1000)} |
| list again, warm | < 100 ms | ${ms(warmList)} from the loaded index (what a view re-render costs) | re-checking every run.json on disk (stat each, re-read none): ${ms(warmRefresh)}; the extension never needs this, file events tell it which runs changed | ${ok(warmList < 100)} |
| memory growth of the index | < 200 MB | ${rss.toFixed(0)} MB RSS (${heap.toFixed(0)} MB heap) | | ${ok(rss < 200)} |
| a point written → Runs view data updated | median < 300 ms | median ${ms(live.medianMs as number)}, p90 ${ms(live.p90Ms as number)}, max ${ms(live.maxMs as number)} (${live.trials} points) | | ${ok((live.medianMs as number) < 300)} |

## Also measured

- **From \`log_metric()\` in a real Python script to the index**, including the client's buffering (it writes at
  least every 0.5 s by design, to keep logging cheap): median ${ms(pyLive.medianMs as number)}, p90 ${ms(pyLive.p90Ms as number)}, max ${ms(pyLive.maxMs as number)} over ${pyLive.points} points.
- The store for the listing benchmark: ${RUNS.toLocaleString('en')} run folders, each with a run.json of 50 params and 10 metric summaries
  and a metrics.jsonl of 10,000 points (one file hard-linked into every run, so the listing would pay for reading
  it if it did).
- **Export of a ${exported.mib} MiB metrics.jsonl** (${fmtRate(exported.points)} points, over V8's 512 MiB string limit) as CSV,
  streamed in 4 MiB chunks: ${(Number(exported.ms) / 1000).toFixed(1)} s, peak memory growth ${Number(exported.peakRssGrowthMB).toFixed(0)} MB RSS (\`bench/exportBench.ts\`).

${pythonFastLoopSection(fastLoop)}
${compareSection(compare)}
${compareWorkbenchSection(compareWorkbench)}
${datasets.markdown}
${promoteSection(promoted)}
## How

- \`bench/run.ts\` drives everything; \`bench/storeBench.ts\` holds the store measurements (generate, list, floor, naive,
  live, python-live); \`src/python/bench/bench_client.py\` the Python client's.
- "A point written → Runs view data updated": the benchmark appends a metrics line and replaces run.json the way
  the client's flush does, and stops the clock when the run index (what the Runs view renders from) reports the
  run changed with that point's step.
- Raw numbers: \`${JSON.stringify({ python: py, lists, floor, naive500, live, pyLive })}\`
`;
    console.log('[bench] notebook tracking…');
    const notebooks = notebooksSection(repo);
    writeFileSync(join(repo, 'docs', 'benchmarks.md'), report + notebooks);
    console.log(report + notebooks);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** bench/exportBench.ts in a fresh process; RUNLOG_BENCH_EXPORT_MIB sets the file size (default 600). */
function exportBench(folder: string): Record<string, number> {
  const mib = process.env.RUNLOG_BENCH_EXPORT_MIB ?? '600';
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(__dirname, 'exportBench.ts'), folder, mib],
    {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
}

function fmtRate(value: unknown): string {
  return Math.round(Number(value)).toLocaleString('en');
}

void main();
