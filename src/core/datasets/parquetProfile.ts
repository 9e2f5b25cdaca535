import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { ColumnStats } from './columnStats';
import type { TabularProfile } from './types';

/**
 * Profiles a Parquet file (hyparquet, pure JS) into the same profile the client writes for CSV: one column at a
 * time, one column chunk at a time, so memory stays bounded by a row group of one column.
 */
export async function profileParquet(path: string): Promise<TabularProfile> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const rows = Number(metadata.num_rows);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const profile: TabularProfile = {
    format: 'parquet',
    rows,
    malformedRows: 0,
    malformedExamples: [],
    columns: [],
  };
  for (const name of columns) {
    const stats = new ColumnStats(name);
    await parquetRead({
      file,
      metadata,
      columns: [name],
      onChunk: ({ columnData }) => addValues(stats, Array.from(columnData as ArrayLike<unknown>)),
    });
    profile.columns.push(stats.result());
  }
  return profile;
}

function addValues(stats: ColumnStats, values: unknown[]): void {
  const present = values.filter((v) => v !== null && v !== undefined);
  stats.nulls += values.length - present.length;
  stats.count += present.length;
  if (present.length === 0) return;
  const numeric = present.every((v) => typeof v === 'number' || typeof v === 'bigint');
  if (numeric && (stats.kind === undefined || stats.kind === 'number')) {
    stats.kind = 'number';
    const numbers = present.map(Number);
    stats.addNumbers(numbers);
    stats.addKeys(numbers.map(String));
    return;
  }
  if (
    present.every((v) => typeof v === 'boolean') &&
    (stats.kind === undefined || stats.kind === 'boolean')
  ) {
    stats.kind = 'boolean';
    stats.addKeys(present.map((v) => (v ? 'true' : 'false')));
    return;
  }
  if (stats.kind === 'number') stats.dropNumbers();
  stats.kind = 'string';
  stats.addKeys(present.map(text));
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
