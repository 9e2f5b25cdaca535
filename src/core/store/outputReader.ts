import { open } from 'node:fs/promises';

/** Follows a run's output.log: the last `initialBytes` first, then only what was appended. */
export class OutputTail {
  private offset: number | undefined;

  constructor(
    readonly file: string,
    private readonly initialBytes = 64 * 1024,
    /** More new output than this in one read (a panel hidden while a run printed gigabytes) is skipped to its tail. */
    private readonly maxBytes = 4 * 1024 * 1024,
  ) {}

  /** Forget what was read: the next read starts from the tail again. */
  reset(): void {
    this.offset = undefined;
  }

  /** New text since the last call; `truncated` tells that the first read skipped earlier output. */
  async readNew(): Promise<{ text: string; truncated: boolean }> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', truncated: false };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      let truncated = false;
      if (this.offset === undefined || size < this.offset) {
        // One byte before the tail, so a tail that starts exactly at a line start keeps that line.
        this.offset = Math.max(0, size - this.initialBytes - 1);
        truncated = this.offset > 0;
      }
      if (size === this.offset) return { text: '', truncated };
      let skipped = '';
      if (size - this.offset > this.maxBytes) {
        const jumped = size - this.initialBytes - 1 - this.offset;
        skipped = `\n[… ${(jumped / 1024 / 1024).toFixed(1)} MiB of output skipped; the whole output is in ${this.file} …]\n`;
        this.offset += jumped;
        truncated = true;
      }
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      // Do not split a UTF-8 character: stop before an incomplete trailing sequence.
      const end = completeUtf8Length(buffer, bytesRead);
      this.offset += end;
      let text = buffer.toString('utf8', 0, end);
      if (truncated) text = text.slice(text.indexOf('\n') + 1); // start at a whole line
      return { text: skipped + text, truncated };
    } finally {
      await handle.close();
    }
  }
}

function completeUtf8Length(buffer: Buffer, length: number): number {
  for (let back = 1; back <= Math.min(3, length); back++) {
    const byte = buffer[length - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? length - back : length;
  }
  return length;
}
