/** Something to release: listeners, watchers, timers. Same shape as vscode.Disposable, without VS Code. */
export interface Disposable {
  dispose(): void;
}

/** A minimal typed event: `event(listener)` subscribes and returns a Disposable. */
export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
