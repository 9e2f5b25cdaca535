/** What a keystroke chunk typed into a run's terminal does. */
export interface LineActions {
  /** Text to show in the terminal (the echo). */
  echo: string;
  /** Complete input to write to the process's stdin, in order. */
  input: string[];
  /** Ctrl-C was typed: interrupt the process. */
  interrupt: boolean;
  /** Ctrl-D was typed on an empty line, or after flushing the line: close the process's stdin. */
  endOfInput: boolean;
}

/**
 * A minimal cooked-mode line discipline, what a tty does for a program reading lines, for a process whose stdin is a
 * pipe: printable characters are echoed and collected, Backspace removes the last character, Enter sends the line,
 * Ctrl-C interrupts (dropping the line), Ctrl-D sends the line so far and ends the input. Escape sequences (arrow
 * keys) are ignored: there is no history or cursor movement.
 */
export class LineDiscipline {
  private line = '';

  /** The line typed so far (not yet sent). */
  get pending(): string {
    return this.line;
  }

  handle(data: string): LineActions {
    const actions: LineActions = { echo: '', input: [], interrupt: false, endOfInput: false };
    if (data.startsWith('\x1b')) return actions;
    for (const char of data) {
      if (char === '\r' || char === '\n') {
        actions.echo += '\r\n';
        actions.input.push(this.line + '\n');
        this.line = '';
      } else if (char === '\x7f' || char === '\b') {
        if (this.line.length > 0) {
          this.line = [...this.line].slice(0, -1).join('');
          actions.echo += '\b \b';
        }
      } else if (char === '\x03') {
        actions.echo += '^C\r\n';
        this.line = '';
        actions.interrupt = true;
      } else if (char === '\x04') {
        if (this.line) actions.input.push(this.line);
        this.line = '';
        actions.endOfInput = true;
      } else if (char >= ' ') {
        this.line += char;
        actions.echo += char;
      }
    }
    return actions;
  }
}
