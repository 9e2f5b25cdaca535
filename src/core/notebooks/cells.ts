import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { CellRecord } from './cellRecord';

export type { CellRecord } from './cellRecord';

/** The file of a notebook run's cell executions, in its run folder (docs/store-format.md). */
export const CELLS_FILE = 'cells.jsonl';

export function cellsFile(runDir: string): string {
  return join(runDir, CELLS_FILE);
}

/** Appends records as whole lines with one write, like metrics.jsonl: a crash cannot leave half a line behind
 *  that a reader would take for a record (readers ignore a last line without newline). */
export async function appendCellRecords(runDir: string, records: readonly CellRecord[]): Promise<void> {
  if (records.length === 0) return;
  await appendFile(cellsFile(runDir), records.map((record) => `${JSON.stringify(record)}\n`).join(''));
}

export interface CellRecords {
  records: CellRecord[];
  /** Lines that are not valid records (skipped, the rest is kept). */
  skipped: number;
}

/** The cell executions of a run in the order they ended; none when the run has no cells.jsonl. */
export async function readCellRecords(runDir: string): Promise<CellRecord[]> {
  return (await readCellRecordsWithSkipped(runDir)).records;
}

export async function readCellRecordsWithSkipped(runDir: string): Promise<CellRecords> {
  let text: string;
  try {
    text = await readFile(cellsFile(runDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0 };
    throw error;
  }
  return parseCellRecords(text);
}

export function parseCellRecords(text: string): CellRecords {
  const records: CellRecord[] = [];
  let skipped = 0;
  const complete = text.slice(0, text.lastIndexOf('\n') + 1); // a last line without newline is still being written
  for (const line of complete.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isCellRecord(value)) records.push(value);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

function isCellRecord(value: unknown): value is CellRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<CellRecord>;
  return (
    typeof r.cell === 'string' &&
    typeof r.index === 'number' &&
    typeof r.source === 'string' &&
    typeof r.hash === 'string' &&
    typeof r.start === 'string' &&
    typeof r.end === 'string' &&
    typeof r.durationMs === 'number' &&
    typeof r.outputs === 'object' &&
    r.outputs !== null
  );
}

export interface CellChange {
  cell: string;
  /** The cell's position in run b (or in run a when b never ran it). */
  index: number;
  change: 'changed' | 'added' | 'removed';
  /** The last source the cell had when it ran in each run (undefined: it did not run there). */
  a?: string;
  b?: string;
  /** Unified diff from a's source to b's (empty for added/removed cells: the source is shown whole). */
  diff: string;
}

/**
 * Which cells' source differs between two notebook runs: per cell id, the last executed source in each run, and a
 * unified diff where they differ. Cells that ran in only one of the runs are listed as added or removed.
 */
export function changedCells(aRecords: readonly CellRecord[], bRecords: readonly CellRecord[]): CellChange[] {
  const a = lastByCell(aRecords);
  const b = lastByCell(bRecords);
  const changes: CellChange[] = [];
  for (const [cell, before] of a) {
    const after = b.get(cell);
    if (!after) {
      changes.push({ cell, index: before.index, change: 'removed', a: before.source, diff: '' });
    } else if (after.hash !== before.hash) {
      changes.push({
        cell,
        index: after.index,
        change: 'changed',
        a: before.source,
        b: after.source,
        diff: createTwoFilesPatch(
          `a/cell ${before.index + 1}`,
          `b/cell ${after.index + 1}`,
          withNewline(before.source),
          withNewline(after.source),
          undefined,
          undefined,
          { context: 3, headerOptions: FILE_HEADERS_ONLY },
        ),
      });
    }
  }
  for (const [cell, after] of b) {
    if (!a.has(cell)) changes.push({ cell, index: after.index, change: 'added', b: after.source, diff: '' });
  }
  return changes.sort((x, y) => x.index - y.index);
}

function lastByCell(records: readonly CellRecord[]): Map<string, CellRecord> {
  const last = new Map<string, CellRecord>();
  for (const record of records) last.set(record.cell, record);
  return last;
}

// Cell sources rarely end with a newline; without one the diff would mark every last line "No newline at end".
function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
