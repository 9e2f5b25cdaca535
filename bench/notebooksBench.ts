// Notebook tracking overhead per cell execution, in the logic the extension host runs for each executed cell:
// building the cell record (source hash, output summary) and handing it to the notebook's session, with the writes
// (cells.jsonl append, run.json update under the lock) measured separately. 500-cell notebook, real files.
//
// Standalone: `tsx bench/notebooksBench.ts` prints JSON. bench/run.ts calls notebooksSection() for its report.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellExecutionInput, OutputItemInput } from '../src/core/notebooks/cellRecord';
import { NotebookSessions, type TrackedNotebook } from '../src/core/notebooks/sessions';
import { RunStore } from '../src/core/store/runStore';

const CELLS = 500;
const PASSES = 3; // Run All three times: 1,500 executions, three kernel sessions

const encoder = new TextEncoder();

/** A notebook's cells as they tend to be: 5–40 lines; outputs: printed text, every 10th a 150 KB image, a few errors. */
function makeCells(): { source: string; outputs: OutputItemInput[][]; success: boolean }[] {
  const image = new Uint8Array(150_000);
  return Array.from({ length: CELLS }, (_, i) => {
    const lines = 5 + (i % 36);
    const source = Array.from(
      { length: lines },
      (_, l) => `x_${i}_${l} = compute(${l}, lr=0.01 * ${i})`,
    ).join('\n');
    const outputs: OutputItemInput[][] = [
      [
        {
          mime: 'application/vnd.code.notebook.stdout',
          data: encoder.encode(`step ${i} loss=0.123\n`.repeat(40)),
        },
      ],
    ];
    if (i % 10 === 0)
      outputs.push([
        { mime: 'image/png', data: image },
        { mime: 'text/plain', data: encoder.encode('<Figure size 640x480 with 1 Axes>') },
      ]);
    const success = i % 50 !== 49;
    if (!success) {
      const error = {
        name: 'ValueError',
        message: `bad value in cell ${i}`,
        stack: 'Traceback...\n'.repeat(30),
      };
      outputs.push([
        { mime: 'application/vnd.code.notebook.error', data: encoder.encode(JSON.stringify(error)) },
      ]);
    }
    return { source, outputs, success };
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export interface NotebooksBenchResult {
  executions: number;
  handleP50Ms: number;
  handleP99Ms: number;
  handleMaxMs: number;
  writeEachP50Ms: number;
  writeEachP99Ms: number;
}

export async function measure(): Promise<NotebooksBenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'runlog-bench-nb-'));
  const store = new RunStore(join(work, '.runlog'));
  const sessions = new NotebookSessions(store, {
    log: { info: () => undefined, warn: (m) => console.error(m) },
    heartbeatMs: 4000,
  });
  const notebook: TrackedNotebook = {
    key: `file://${work}/big.ipynb`,
    path: join(work, 'big.ipynb'),
    info: {
      notebook: 'big.ipynb',
      experiment: 'big',
      cwd: work,
      kernel: { label: 'Python 3', language: 'python' },
    },
  };
  try {
    await sessions.open(notebook);
    const cells = makeCells();
    const handle: number[] = [];
    const writeEach: number[] = [];
    let t = Date.now();
    for (let pass = 0; pass < PASSES; pass++) {
      for (let i = 0; i < CELLS; i++) {
        const cell = cells[i];
        const execution: CellExecutionInput = {
          cell: `cell-${i}`,
          index: i,
          order: i + 1, // counts from 1 in each pass: each pass is a new kernel session
          source: cell.source,
          language: 'python',
          startMs: t,
          endMs: (t += 37),
          success: cell.success,
          outputs: cell.outputs,
        };
        // What the editor does per executed cell (the first of each pass also starts a run).
        const started = performance.now();
        await sessions.cellEnded(notebook.key, execution);
        handle.push(performance.now() - started);
        // Worst case for the writes: every cell written on its own (the editor batches cells ended within 100 ms).
        if (i % 5 === 0) {
          const writeStart = performance.now();
          await sessions.idle();
          writeEach.push(performance.now() - writeStart);
        }
      }
    }
    await sessions.dispose();
    handle.sort((a, b) => a - b);
    writeEach.sort((a, b) => a - b);
    return {
      executions: handle.length,
      handleP50Ms: percentile(handle, 50),
      handleP99Ms: percentile(handle, 99),
      handleMaxMs: handle[handle.length - 1],
      writeEachP50Ms: percentile(writeEach, 50),
      writeEachP99Ms: percentile(writeEach, 99),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The benchmark in a fresh Node process (as the store benchmarks run), as a section of docs/benchmarks.md. */
export function notebooksSection(repo: string): string {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'notebooksBench.ts')], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as NotebooksBenchResult;
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  return `
## Notebook tracking

| what | goal | measured | |
| --- | --- | --- | --- |
| overhead per executed cell in the extension host (500-cell notebook, ${r.executions.toLocaleString('en')} executions) | p99 < 5 ms | p50 ${ms(r.handleP50Ms)}, p99 ${ms(r.handleP99Ms)}, max ${ms(r.handleMaxMs)} | ${r.handleP99Ms < 5 ? 'met' : '**missed**'} |

- Measured: building the cell record (sha256 of the source, summary of the outputs: 1 KB of printed text per cell, a
  150 KB image every 10th cell, an error every 50th) and handing it to the notebook's session, from the moment the
  editor reports the cell's end; the first cell of each of the 3 kernel sessions includes creating the run. The
  writes happen after it, batched: one cells.jsonl append and one run.json update (under its lock) per 100 ms. Written
  alone, such a batch takes p50 ${ms(r.writeEachP50Ms)}, p99 ${ms(r.writeEachP99Ms)}, off the per-cell path.
- \`bench/notebooksBench.ts\`; raw: \`${JSON.stringify(r)}\`
`;
}

if (require.main === module) {
  void measure().then((result) => console.log(JSON.stringify(result)));
}
