// Entry point of the runs table page (dist/webview/runsTable.js). The extension answers `ready` with `setRuns`.
import './runsTable.css';
import { getVsCodeApi } from '../shared/vscodeApi';
import { DEFAULT_UI, RunsTableApp, type RunsTableUi } from './app';
import { parseToRunsTableWebview, type FromRunsTableWebview } from './contract';

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const api = getVsCodeApi<FromRunsTableWebview, { ui?: RunsTableUi }>();
  const saved = api.getState()?.ui;
  const app = new RunsTableApp(
    root,
    (m) => api.postMessage(m),
    { ...DEFAULT_UI, ...saved },
    (ui) => api.setState({ ui }),
  );
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = parseToRunsTableWebview(event.data);
    if (!message) return console.warn('[runlog] runs table: ignored a malformed message');
    try {
      app.handle(message);
    } catch (error) {
      console.error('[runlog] runs table: failed to apply a message', error);
    }
  });
  api.postMessage({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
