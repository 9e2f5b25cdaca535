import { open } from 'node:fs/promises';
import { forEachLines } from './lineReader';
import { decodeNumber } from './values';
import type { MetricPoint } from './types';

/**
 * Follows one run's metrics.jsonl, reading only the bytes appended since the last read. A last line without its
 * newline is a write in progress (or torn by a crash): it is left for the next read, never half-parsed.
 */
export class MetricsTail {
  private offset = 0;
  /** Lines that were complete but not valid points; reported, never fatal. */
  skippedLines = 0;

  constructor(readonly file: string) {}

  /** Forget what was read: the next read returns everything again. */
  reset(): void {
    this.offset = 0;
  }

  /** The points appended since the previous call (all points on the first call). Reads in bounded chunks. */
  async readNew(): Promise<MetricPoint[]> {
    const points: MetricPoint[] = [];
    await this.forEachNew((batch) => {
      for (const point of batch) points.push(point);
    });
    return points;
  }

  /**
   * Hands over the points appended since the previous call a chunk at a time (awaited), so a consumer that writes
   * them out (export) never holds the whole file: a metrics.jsonl of many GB is read in constant memory.
   */
  async forEachNew(onPoints: (points: MetricPoint[]) => void | Promise<void>): Promise<void> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset) this.offset = 0; // replaced by a shorter file: start over
      if (size === this.offset) return;
      const scan = await forEachLines(handle, this.offset, size, (lines) => onPoints(this.parse(lines)));
      this.offset = scan.end;
      this.skippedLines += scan.overlong;
    } finally {
      await handle.close();
    }
  }

  private parse(lines: string[]): MetricPoint[] {
    const points: MetricPoint[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      const point = parsePoint(line);
      if (point) points.push(point);
      else this.skippedLines++;
    }
    return points;
  }
}

function parsePoint(line: string): MetricPoint | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { key, value, step, time } = raw as Record<string, unknown>;
  const decoded = decodeNumber(value);
  if (typeof key !== 'string' || decoded === undefined || typeof step !== 'number') return undefined;
  return { key, value: decoded, step, time: typeof time === 'number' ? time : 0 };
}

/** All points of a metrics file, grouped by key in file order. */
export async function readAllMetrics(file: string): Promise<Map<string, MetricPoint[]>> {
  const byKey = new Map<string, MetricPoint[]>();
  await new MetricsTail(file).forEachNew((points) => {
    for (const point of points) {
      let series = byKey.get(point.key);
      if (!series) byKey.set(point.key, (series = []));
      series.push(point);
    }
  });
  return byKey;
}
