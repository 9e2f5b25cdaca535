// Entry point of the Compare panel page (dist/webview/compare.js). The extension answers `ready` with
// `setComparison`.
import './compare.css';
import { getVsCodeApi } from '../shared/vscodeApi';
import { CompareApp, DEFAULT_UI, type CompareUi } from './app';
import { parseToCompareWebview, type FromCompareWebview } from './contract';

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const api = getVsCodeApi<FromCompareWebview, { ui?: CompareUi }>();
  const saved = api.getState()?.ui;
  const app = new CompareApp(
    root,
    (m) => api.postMessage(m),
    { ...DEFAULT_UI, ...saved },
    (ui) => api.setState({ ui }),
  );
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = parseToCompareWebview(event.data);
    if (!message) return console.warn('[runlog] compare: ignored a malformed message');
    try {
      app.handle(message);
    } catch (error) {
      console.error('[runlog] compare: failed to apply a message', error);
    }
  });
  api.postMessage({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
