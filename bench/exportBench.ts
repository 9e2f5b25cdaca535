// `npm run bench` section: exporting a metrics.jsonl larger than V8's 512 MiB string limit, in bounded memory.
// Run in a fresh process: `node --import tsx bench/exportBench.ts <folder> <MiB>`; prints one JSON line.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportMetricsCsv } from '../src/core/export/runExport';

async function generate(file: string, mib: number): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  let points = 0;
  while (bytes < mib * 1024 * 1024) {
    let chunk = '';
    for (let i = 0; i < 10_000; i++, points++) {
      chunk += `{"key": "${points % 2 ? 'loss' : 'acc'}", "value": ${points * 1e-3}, "step": ${points}, "time": 1763762295.123}\n`;
    }
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return points;
}

async function main(): Promise<void> {
  const [folder, mibText] = process.argv.slice(2);
  const mib = Number(mibText);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'metrics.jsonl');
  const points = await generate(file, mib);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const start = performance.now();
  const result = await exportMetricsCsv(file, {
    write: () => {
      peak = Math.max(peak, process.memoryUsage().rss);
      return Promise.resolve(); // discarded: the bench measures reading and formatting
    },
  });
  const ms = performance.now() - start;
  console.log(
    JSON.stringify({
      mib,
      points,
      exported: result.points,
      ms,
      peakRssGrowthMB: (peak - rssBefore) / 1024 / 1024,
    }),
  );
}

void main();
