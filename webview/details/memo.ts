// Re-rendering a section only when its own data changed: a heartbeat that moves heartbeatAt re-renders nothing
// (and does not close the packages list the user opened).

/** Re-renders `render(value)` into `parent` only when `value` differs (by JSON) from the last one rendered. */
export class Memo<T> {
  private key: string | undefined;
  constructor(private readonly render: (value: T) => void) {}
  update(value: T): void {
    const key = JSON.stringify(value) ?? '';
    if (key === this.key) return;
    this.key = key;
    this.render(value);
  }
  invalidate(): void {
    this.key = undefined;
  }
}
