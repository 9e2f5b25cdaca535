// Typed access to the API VS Code injects into webviews (acquireVsCodeApi may be called only once per page).

export interface VsCodeApi<Outgoing, State> {
  postMessage(message: Outgoing): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

let api: ReturnType<typeof acquireVsCodeApi> | undefined;

export function getVsCodeApi<Outgoing, State>(): VsCodeApi<Outgoing, State> {
  api ??= acquireVsCodeApi();
  const raw = api;
  return {
    postMessage: (message) => raw.postMessage(message),
    getState: () => (raw.getState() ?? undefined) as State | undefined,
    setState: (state) => raw.setState(state),
  };
}
