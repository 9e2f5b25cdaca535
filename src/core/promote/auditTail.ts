// Follows the audit log (`<store>/audit.jsonl`) by offset: each read parses only the lines appended since the last
// one, so a details panel that stays open does not re-read the whole trail on every promotion. A line still being
// written (no newline yet) waits for the next read; a file that shrank (replaced) is read again from the start.
import { open } from 'node:fs/promises';
import { forEachLines } from '../store/lineReader';
import { auditFile, parseAuditLine, type AuditRecord } from './audit';

export class AuditTail {
  private offset = 0;
  readonly file: string;

  constructor(storeRoot: string) {
    this.file = auditFile(storeRoot);
  }

  /** Start over: the next read returns every record again. */
  reset(): void {
    this.offset = 0;
  }

  /** Records appended since the last call (all of them on the first call); `reset` when the file was replaced. */
  async readNew(): Promise<{ records: AuditRecord[]; reset: boolean }> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const reset = this.offset > 0;
      this.offset = 0;
      return { records: [], reset };
    }
    try {
      const { size } = await handle.stat();
      let reset = false;
      if (size < this.offset) {
        this.offset = 0;
        reset = true;
      }
      if (size === this.offset) return { records: [], reset };
      // The store's line reader: bounded memory whatever the trail's size; a line still being written waits.
      const records: AuditRecord[] = [];
      const scan = await forEachLines(handle, this.offset, size, (lines) => {
        for (const line of lines) {
          const record = parseAuditLine(line);
          if (record) records.push(record);
        }
      });
      this.offset = scan.end;
      return { records, reset };
    } finally {
      await handle.close();
    }
  }
}
