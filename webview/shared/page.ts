// Start-up of every Runlog webview page: typed messages both ways through the page contract, the page's UI state
// kept across reloads, and the `args` the extension opened the page with (from <meta name="runlog-args">), which
// are saved in the webview state so VS Code can give them back to the extension's serializer after a reload.

declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

interface SavedState<Ui> {
  args: unknown;
  ui?: Ui;
}

export interface Page<From, Ui> {
  post(message: From): void;
  /** The UI state saved before the last reload, if any. */
  readonly ui: Ui | undefined;
  saveUi(ui: Ui): void;
  /** What the extension opened this page with. */
  readonly args: unknown;
}

export interface PageOptions<To> {
  /** The contract's webview-side validator: the typed message, or undefined for anything else (ignored). */
  parse: (message: unknown) => To | undefined;
  onMessage: (message: To) => void;
}

function readArgs(): unknown {
  const meta = document.querySelector('meta[name="runlog-args"]');
  try {
    return JSON.parse(meta?.getAttribute('content') ?? 'null');
  } catch {
    return null;
  }
}

/**
 * Connects a page to the extension. `create` builds the page with the connection; the extension is told `ready`
 * only after that, so the page never misses its first message.
 */
export function startPage<To, From, Ui>(
  options: PageOptions<To>,
  create?: (page: Page<From, Ui>) => void,
): Page<From, Ui> {
  const api = acquireVsCodeApi();
  const saved = (api.getState() ?? undefined) as SavedState<Ui> | undefined;
  const args = readArgs();
  let ui = saved?.ui;
  api.setState({ args, ui } satisfies SavedState<Ui>);
  const page: Page<From, Ui> = {
    post: (message) => api.postMessage(message),
    get ui() {
      return ui;
    },
    saveUi(next) {
      ui = next;
      api.setState({ args, ui } satisfies SavedState<Ui>);
    },
    args,
  };
  const begin = () => {
    create?.(page);
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = options.parse(event.data);
      if (message === undefined) {
        console.warn('[runlog] ignored a message outside the page contract', event.data);
        return;
      }
      try {
        options.onMessage(message);
      } catch (error) {
        console.error('[runlog] failed to apply a message', error);
      }
    });
    api.postMessage({ type: 'ready' });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin, { once: true });
  else begin();
  return page;
}
