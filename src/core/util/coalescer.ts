/**
 * Debounced, single-flight work over a set of keys: requests arriving within `delayMs` are merged into one call;
 * while a call runs, new requests wait and are merged into the next one. Nothing runs twice at once.
 */
export class Coalescer<K> {
  private pending = new Set<K>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disposed = false;

  constructor(
    private readonly work: (keys: K[]) => Promise<void>,
    private readonly delayMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  request(...keys: K[]): void {
    if (this.disposed) return;
    for (const key of keys) this.pending.add(key);
    if (!this.timer && !this.running) this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Resolves when everything requested so far has been processed. */
  async idle(): Promise<void> {
    while (this.timer || this.running || this.pending.size > 0) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
        void this.flush();
      }
      if (this.running) await this.running;
      else if (this.pending.size > 0) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (this.running || this.pending.size === 0) return;
    const keys = [...this.pending];
    this.pending.clear();
    this.running = this.work(keys).catch(this.onError);
    try {
      await this.running;
    } finally {
      this.running = undefined;
      if (this.pending.size > 0 && !this.disposed)
        this.timer = setTimeout(() => void this.flush(), this.delayMs);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.pending.clear();
  }
}
