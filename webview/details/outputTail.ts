// The last lines of a run's output, as a terminal would show them: ANSI escape sequences are removed and a carriage
// return starts the line over (progress bars like tqdm redraw a line with `\r`). Pure logic, unit-tested in Node.

export const OUTPUT_TAIL_LINES = 400;
/** Longer lines are cut (a printed tensor can be megabytes on one line). */
export const MAX_LINE_LENGTH = 4000;
/** An unfinished line is kept up to this many characters (its end), e.g. a progress bar that never prints `\n`. */
const MAX_PARTIAL_LENGTH = 64 * 1024;

// CSI sequences (colours, cursor moves, erase line), OSC sequences (titles, hyperlinks) and two-character escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// Other control characters except tab (newline and carriage return are handled before this runs).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** What a terminal shows for one raw line (without its `\n`). */
export function displayLine(raw: string): string {
  let line = raw.replace(/\r+$/, '');
  const cr = line.lastIndexOf('\r');
  if (cr >= 0) line = line.slice(cr + 1);
  line = stripAnsi(line).replace(CONTROL, '');
  return line.length > MAX_LINE_LENGTH
    ? `${line.slice(0, MAX_LINE_LENGTH)} … (${line.length - MAX_LINE_LENGTH} more characters)`
    : line;
}

export class OutputTail {
  private lines: string[] = [];
  /** Raw text after the last `\n`, kept raw so `\r\n` and escape sequences split across chunks still parse. */
  private partial = '';
  /** Complete lines dropped from the start to stay within `maxLines`. */
  dropped = 0;

  constructor(private readonly maxLines = OUTPUT_TAIL_LINES) {}

  reset(text = ''): void {
    this.lines = [];
    this.partial = '';
    this.dropped = 0;
    this.append(text);
  }

  append(text: string): void {
    if (!text) return;
    const parts = (this.partial + text).split('\n');
    this.partial = compactPartial(parts.pop() ?? '');
    // Only the last maxLines complete lines can be shown: skip cleaning the others.
    const skip = Math.max(0, parts.length - this.maxLines);
    this.dropped += skip;
    for (let i = skip; i < parts.length; i++) this.lines.push(displayLine(parts[i]));
    const excess = this.lines.length - this.maxLines;
    if (excess > 0) {
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
  }

  /** Number of lines shown, the unfinished one included. */
  get lineCount(): number {
    return this.lines.length + (this.partialLine === undefined ? 0 : 1);
  }

  private get partialLine(): string | undefined {
    if (this.partial === '') return undefined;
    // An escape sequence may be cut by the end of the chunk: hide its beginning until the rest arrives.
    // eslint-disable-next-line no-control-regex
    return displayLine(this.partial.replace(/\x1b(\[[0-?]*[ -/]*|\][^\x07\x1b]*)?$/, ''));
  }

  /** The text to show: the kept lines and the unfinished one. */
  get text(): string {
    const partial = this.partialLine;
    return partial === undefined ? this.lines.join('\n') : [...this.lines, partial].join('\n');
  }
}

/**
 * Text before a carriage return that is followed by more text will never be shown again: drop it, so a progress bar
 * redrawn a million times on one line does not grow without bound. A trailing `\r` is kept (it may be half of `\r\n`).
 */
function compactPartial(partial: string): string {
  const cr = partial.replace(/\r+$/, '').lastIndexOf('\r');
  let compact = cr >= 0 ? partial.slice(cr + 1) : partial;
  if (compact.length > MAX_PARTIAL_LENGTH) compact = compact.slice(compact.length - MAX_PARTIAL_LENGTH);
  return compact;
}
