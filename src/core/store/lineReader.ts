import type { FileHandle } from 'node:fs/promises';

/** Bytes read per step: big enough to amortise the call, small enough that any file is read in bounded memory. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/** A line longer than this is not a metric point; it is skipped (and counted) rather than held in memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface LineScan {
  /** Offset just after the last complete line read; a trailing line without its newline is left for later. */
  end: number;
  /** Lines dropped because they were longer than MAX_LINE_BYTES. */
  overlong: number;
}

/**
 * Reads `[start, end)` of a file in chunks of `chunkBytes` and hands over its complete lines, a chunk's worth at a
 * time (awaited, so a slow consumer slows the reading instead of filling memory). Lines split on the newline byte,
 * which never occurs inside a UTF-8 sequence, so no character is cut.
 */
export async function forEachLines(
  handle: FileHandle,
  start: number,
  end: number,
  onLines: (lines: string[]) => void | Promise<void>,
  chunkBytes = CHUNK_BYTES,
): Promise<LineScan> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let carry: Buffer[] = []; // the start of a line that continues in the next chunk
  let carryBytes = 0;
  let skipping = false; // inside an overlong line: drop bytes until its newline
  let overlong = 0;
  let position = start;
  let lineEnd = start;
  while (position < end) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(chunkBytes, end - position), position);
    if (bytesRead === 0) break; // the file shrank meanwhile
    const lines: string[] = [];
    let from = 0;
    for (let newline = buffer.indexOf(10, 0); newline >= 0 && newline < bytesRead;) {
      if (skipping) skipping = false;
      else if (carryBytes + newline - from > MAX_LINE_BYTES) overlong++;
      else if (carryBytes > 0) {
        lines.push(Buffer.concat([...carry, buffer.subarray(from, newline)]).toString('utf8'));
      } else lines.push(buffer.toString('utf8', from, newline));
      carry = [];
      carryBytes = 0;
      from = newline + 1;
      lineEnd = position + from;
      newline = buffer.indexOf(10, from);
    }
    if (from < bytesRead && !skipping) {
      if (carryBytes + bytesRead - from > MAX_LINE_BYTES) {
        overlong++;
        skipping = true;
        carry = [];
        carryBytes = 0;
      } else {
        carry.push(Buffer.from(buffer.subarray(from, bytesRead))); // copied: the buffer is reused
        carryBytes += bytesRead - from;
      }
    }
    position += bytesRead;
    if (lines.length > 0) await onLines(lines);
  }
  return { end: lineEnd, overlong };
}
