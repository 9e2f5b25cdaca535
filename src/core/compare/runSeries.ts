import { MetricsTail } from '../store/metricsReader';
import { SeriesColumns } from './seriesColumns';

/**
 * Every metric series of one run, read from its metrics.jsonl and kept up to date: `refresh()` reads only what was
 * appended since the last call (a running run's chart updates from it).
 */
export class RunSeries {
  private readonly tail: MetricsTail;
  private readonly byKey = new Map<string, SeriesColumns>();

  constructor(
    readonly runId: string,
    metricsFile: string,
  ) {
    this.tail = new MetricsTail(metricsFile);
  }

  /** Reads new points; returns the metrics that got some. */
  async refresh(): Promise<string[]> {
    const points = await this.tail.readNew();
    const changed = new Set<string>();
    for (const point of points) {
      let columns = this.byKey.get(point.key);
      if (!columns) this.byKey.set(point.key, (columns = new SeriesColumns()));
      columns.push(point.step, point.value, point.time);
      changed.add(point.key);
    }
    return [...changed];
  }

  get(key: string): SeriesColumns | undefined {
    return this.byKey.get(key);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Lines of metrics.jsonl that could not be read (reported in the panel). */
  get skippedLines(): number {
    return this.tail.skippedLines;
  }
}
