// Entry point of the Run details webview (bundled by esbuild.mjs into dist/webview/details.js and details.css).
// The extension creates the panel with a strict CSP (no 'unsafe-eval'), an empty <div id="app">, and answers our
// `ready` with `setRun`, then streams `updateRun`, `appendPoints` and `appendOutput` while the run is live.
import './details.css';
import type { FromDetailsWebview } from '../contract';
import { getVsCodeApi } from '../shared/vscodeApi';
import { DetailsApp, type UiState } from './app';

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const api = getVsCodeApi<FromDetailsWebview, UiState>();
  const app = new DetailsApp(root, api);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    try {
      app.handle(event.data);
    } catch (error) {
      console.error('[runlog] details: failed to apply a message', error);
    }
  });
  api.postMessage({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
