import type { CellRecord } from './cellRecord';

/** What the run details page shows per executed cell (a webview message: kept small). */
export interface CellTimelineEntry {
  cell: string;
  index: number;
  order: number | null;
  start: string;
  durationMs: number;
  success: boolean | null;
  source: string;
  /** The source shown is cut (the record's, or the page's limit). */
  sourceCut: boolean;
  outputKinds: string[];
  outputBytes: number;
  error?: { name: string; message: string };
}

export interface CellTimeline {
  /** capture.notebook of the run: what Open Notebook Cell needs. */
  notebook: string;
  /** All executions recorded. */
  total: number;
  failed: number;
  /** The latest executions, oldest first (at most `limit`). */
  entries: CellTimelineEntry[];
}

export const TIMELINE_LIMIT = 500;
export const TIMELINE_SOURCE_CHARS = 4_000;

/** The cell timeline of a notebook run for the details page: the latest executions, sources cut to a page's size. */
export function cellTimeline(
  notebook: string,
  records: readonly CellRecord[],
  limit = TIMELINE_LIMIT,
): CellTimeline {
  const latest = records.slice(Math.max(0, records.length - limit));
  return {
    notebook,
    total: records.length,
    failed: records.filter((record) => record.success === false).length,
    entries: latest.map((record) => {
      const cut = record.source.length > TIMELINE_SOURCE_CHARS;
      const entry: CellTimelineEntry = {
        cell: record.cell,
        index: record.index,
        order: record.order,
        start: record.start,
        durationMs: record.durationMs,
        success: record.success,
        source: cut ? record.source.slice(0, TIMELINE_SOURCE_CHARS) : record.source,
        sourceCut: cut || record.sourceTruncated === true,
        outputKinds: record.outputs.kinds,
        outputBytes: record.outputs.bytes,
      };
      if (record.outputs.error) entry.error = record.outputs.error;
      return entry;
    }),
  };
}
