// Store benchmark, run in a fresh Node process per measurement so "cold" means cold for the process.
// Usage: tsx bench/storeBench.ts generate <root> <runs> | list <root> | naive <root> | live <root> <trials>
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  appendFileSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunIndex } from '../src/core/store/runIndex';
import { RunStore } from '../src/core/store/runStore';
import { newRunId } from '../src/core/store/ids';
import type { MetricSummary, RunDocument } from '../src/core/store/types';

const PARAMS = 50;
const METRICS = 10;
const POINTS = 1000;

function generate(root: string, runs: number): void {
  mkdirSync(join(root, 'runs'), { recursive: true });
  // One metrics file (10 metrics × 1,000 points), hard-linked into every run: real bytes on disk for each run,
  // without writing 10,000 copies.
  const shared = join(root, 'metrics.shared.jsonl');
  const lines: string[] = [];
  const metrics: Record<string, MetricSummary> = {};
  for (let m = 0; m < METRICS; m++) {
    for (let step = 0; step < POINTS; step++) {
      const value = 1 / (step + 1) + m;
      lines.push(JSON.stringify({ key: `metric_${m}`, value, step, time: 1_763_762_295 + step }));
    }
    metrics[`metric_${m}`] = {
      last: 1 / POINTS + m,
      min: 1 / POINTS + m,
      max: 1 + m,
      count: POINTS,
      step: POINTS - 1,
      time: 1_763_763_294,
    };
  }
  writeFileSync(shared, lines.join('\n') + '\n');
  const params = Object.fromEntries(
    Array.from({ length: PARAMS }, (_, i) => [`param_${i}`, i % 3 === 0 ? `value-${i}` : i * 0.5]),
  );
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < runs; i++) {
    const startTime = new Date(start + i * 60_000);
    const id = newRunId(startTime);
    const doc: RunDocument = {
      schema: 1,
      id,
      name: `run-${i}`,
      experiment: `exp-${i % 20}`,
      status: 'finished',
      startTime: startTime.toISOString(),
      endTime: new Date(startTime.getTime() + 30_000).toISOString(),
      heartbeatAt: new Date(startTime.getTime() + 30_000).toISOString(),
      params,
      tags: { owner: 'bench' },
      metrics,
      capture: {
        source: 'script',
        pid: 1,
        host: hostname(),
        command: ['python3', 'train.py'],
        cwd: '/work',
        exitCode: 0,
      },
      datasets: [],
      artifacts: [],
      error: null,
    };
    const dir = join(root, 'runs', id);
    mkdirSync(dir);
    writeFileSync(join(dir, 'run.json'), JSON.stringify(doc, null, 2));
    linkSync(shared, join(dir, 'metrics.jsonl'));
  }
}

async function list(root: string): Promise<void> {
  const before = process.memoryUsage();
  const store = new RunStore(root);
  const index = new RunIndex(store);
  let t = performance.now();
  await index.load();
  const entries = index.list();
  const coldMs = performance.now() - t;
  if (global.gc) global.gc();
  const after = process.memoryUsage();
  // Warm: the index is loaded; a listing from memory, and a refresh that re-checks every run on disk.
  t = performance.now();
  const again = index.list();
  const warmListMs = performance.now() - t;
  t = performance.now();
  await index.refresh();
  const warmRefreshMs = performance.now() - t;
  const summaryOk = entries.every((e) => e.kind === 'run' && Object.keys(e.doc.metrics).length === METRICS);
  console.log(
    JSON.stringify({
      runs: entries.length,
      again: again.length,
      summaryOk,
      coldMs,
      warmListMs,
      warmRefreshMs,
      rssGrowthMB: (after.rss - before.rss) / 2 ** 20,
      heapGrowthMB: (after.heapUsed - before.heapUsed) / 2 ** 20,
    }),
  );
  index.dispose();
}

/** Baseline: what a tracker without summaries in its run documents does — read every metrics file to list. */
function naive(root: string): void {
  const t = performance.now();
  let points = 0;
  const runs = readdirSync(join(root, 'runs'));
  for (const id of runs) {
    JSON.parse(readFileSync(join(root, 'runs', id, 'run.json'), 'utf8'));
    const text = readFileSync(join(root, 'runs', id, 'metrics.jsonl'), 'utf8');
    for (const line of text.split('\n'))
      if (line) {
        JSON.parse(line);
        points++;
      }
  }
  console.log(JSON.stringify({ runs: runs.length, points, ms: performance.now() - t }));
}

/** Floor: the cheapest possible listing, one readFileSync + JSON.parse per run.json, nothing else. */
function floor(root: string): void {
  const t = performance.now();
  const runs = readdirSync(join(root, 'runs'));
  for (const id of runs) JSON.parse(readFileSync(join(root, 'runs', id, 'run.json'), 'utf8'));
  console.log(JSON.stringify({ runs: runs.length, ms: performance.now() - t }));
}

/** Latency from a point written (metrics line appended + run.json replaced, as the client's flush does) to the
 *  index reporting the change that the Runs view renders. */
async function live(root: string, trials: number): Promise<void> {
  mkdirSync(join(root, 'runs'), { recursive: true });
  const id = newRunId();
  const dir = join(root, 'runs', id);
  mkdirSync(dir);
  const doc: RunDocument = {
    schema: 1,
    id,
    name: 'live',
    experiment: 'live',
    status: 'running',
    startTime: new Date().toISOString(),
    heartbeatAt: new Date().toISOString(),
    params: {},
    tags: {},
    metrics: {},
    capture: { pid: process.pid, host: hostname() },
    datasets: [],
    artifacts: [],
  };
  const write = (d: RunDocument) => {
    writeFileSync(join(dir, '.run.json.tmp'), JSON.stringify(d));
    renameSync(join(dir, '.run.json.tmp'), join(dir, 'run.json'));
  };
  write(doc);
  const index = new RunIndex(new RunStore(root), { watch: true });
  await index.load();
  const latencies: number[] = [];
  for (let i = 0; i < trials; i++) {
    const seen = new Promise<number>((resolve) => {
      const sub = index.onDidChange((ids) => {
        const entry = index.get(id);
        if (ids.includes(id) && entry?.kind === 'run' && entry.doc.metrics.loss?.step === i) {
          sub.dispose();
          resolve(performance.now());
        }
      });
    });
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    const t = performance.now();
    appendFileSync(
      join(dir, 'metrics.jsonl'),
      JSON.stringify({ key: 'loss', value: 1 / (i + 1), step: i, time: Date.now() / 1000 }) + '\n',
    );
    doc.metrics.loss = {
      last: 1 / (i + 1),
      min: 1 / (i + 1),
      max: 1,
      count: i + 1,
      step: i,
      time: Date.now() / 1000,
    };
    doc.heartbeatAt = new Date().toISOString();
    write(doc);
    latencies.push((await seen) - t);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      trials,
      medianMs: latencies[Math.floor(trials / 2)],
      p90Ms: latencies[Math.floor(trials * 0.9)],
      maxMs: latencies.at(-1),
    }),
  );
  index.dispose();
}

/** End to end with the real Python client: from log_metric() in a script to the index reporting it. Includes the
 *  client's buffering (it flushes at least every 0.5 s), so this is what a user sees. */
async function pythonLive(root: string, trials: number): Promise<void> {
  const { spawn } = await import('node:child_process');
  mkdirSync(join(root, 'runs'), { recursive: true });
  const index = new RunIndex(new RunStore(root), { watch: true });
  await index.load();
  const latencies: number[] = [];
  let lastStep = -1;
  index.onDidChange(() => {
    const now = Date.now() / 1000;
    for (const entry of index.list()) {
      const loss = entry.kind === 'run' ? entry.doc.metrics.loss : undefined;
      if (loss && loss.step > lastStep) {
        lastStep = loss.step;
        latencies.push((now - loss.time) * 1000);
      }
    }
  });
  const script = `import runlog, time, random\nwith runlog.start_run(name="live"):\n    for i in range(${trials}):\n        time.sleep(0.3 + random.random() * 0.4)\n        runlog.log_metric("loss", 1.0 / (i + 1), step=i)\n    time.sleep(1)\n`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('python3', ['-c', script], {
      env: { ...process.env, PYTHONPATH: join(__dirname, '..', 'src', 'python'), RUNLOG_STORE: root },
      stdio: 'inherit',
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}`))));
  });
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      points: latencies.length,
      medianMs: latencies[Math.floor(latencies.length / 2)],
      p90Ms: latencies[Math.floor(latencies.length * 0.9)],
      maxMs: latencies.at(-1),
    }),
  );
  index.dispose();
}

const [mode, root, n] = process.argv.slice(2);
if (mode === 'python-live') void pythonLive(root, Number(n ?? 20));
else if (mode === 'generate') generate(root, Number(n));
else if (mode === 'list') void list(root);
else if (mode === 'naive') naive(root);
else if (mode === 'floor') floor(root);
else if (mode === 'live') void live(root, Number(n ?? 50));
else throw new Error('usage: storeBench.ts generate|list|naive|floor|live|python-live <root> [n]');
