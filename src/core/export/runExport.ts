import { MetricsTail } from '../store/metricsReader';
import type { MetricPoint, RunDocument } from '../store/types';
import { encodeNumber } from '../store/values';
import { csvNumber, csvRow, csvText } from './csv';

/** Where an export goes; `write` resolves when the text may be followed by more (back-pressure). */
export interface Sink {
  write(text: string): Promise<void>;
}

/**
 * A run's metric points as CSV (`key,step,value,time`), in file order, streamed: the metrics file is read in
 * bounded chunks and each chunk written before the next is read, so any size exports in constant memory.
 */
export async function exportMetricsCsv(metricsFile: string, sink: Sink): Promise<{ points: number }> {
  let count = 0;
  await sink.write(csvRow(['key', 'step', 'value', 'time']));
  await new MetricsTail(metricsFile).forEachNew(async (points) => {
    count += points.length;
    await sink.write(points.map(csvLine).join(''));
  });
  return { points: count };
}

function csvLine(point: MetricPoint): string {
  return csvRow([csvText(point.key), csvNumber(point.step), csvNumber(point.value), csvNumber(point.time)]);
}

/**
 * The run document and every metric series as one JSON object: `{"run": …, "metrics": {"<key>": [{step, value,
 * time}, …]}}`. Streamed like the CSV: one pass finds the metric names, then one pass per metric writes its series,
 * so memory stays bounded by a chunk, not by the file.
 */
export async function exportRunJson(doc: RunDocument, metricsFile: string, sink: Sink): Promise<void> {
  const keys = new Set<string>();
  await new MetricsTail(metricsFile).forEachNew((points) => {
    for (const point of points) keys.add(point.key);
  });
  const run = JSON.stringify(doc, null, 2).replace(/\n/g, '\n  ');
  await sink.write(`{\n  "run": ${run},\n  "metrics": {`);
  let firstKey = true;
  for (const key of keys) {
    await sink.write(`${firstKey ? '' : ','}\n    ${JSON.stringify(key)}: [`);
    firstKey = false;
    let firstPoint = true;
    await new MetricsTail(metricsFile).forEachNew(async (points) => {
      const lines = points
        .filter((point) => point.key === key)
        .map((point) => {
          const text = `${firstPoint ? '' : ','}\n      ${JSON.stringify({
            step: point.step,
            value: encodeNumber(point.value),
            time: point.time,
          })}`;
          firstPoint = false;
          return text;
        });
      if (lines.length > 0) await sink.write(lines.join(''));
    });
    await sink.write(firstPoint ? ']' : '\n    ]');
  }
  await sink.write(`${keys.size > 0 ? '\n  ' : ''}}\n}\n`);
}
