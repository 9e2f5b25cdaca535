// Entry point of the dataset diff page (bundled into dist/webview/datasetDiff.js and .css). The extension answers
// our `ready` with the diff; the page renders summary and drift first, then files, then the tabular detail.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import './datasetDiff.css';
import { getVsCodeApi } from '../shared/vscodeApi';
import { parseToDatasetDiffWebview, type FromDatasetDiffWebview } from './contract';
import { renderDiff, renderError } from './render';

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const api = getVsCodeApi<FromDatasetDiffWebview, { args: unknown }>();
  // keep the panel's args in the webview state: VS Code hands them back to restore the panel after a reload
  try {
    api.setState({ args: JSON.parse(document.body.dataset.args ?? 'null') as unknown });
  } catch {
    // no args: nothing to restore
  }
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = parseToDatasetDiffWebview(event.data);
    if (!message) return;
    if (message.type === 'error') root.replaceChildren(renderError(message.message));
    else
      root.replaceChildren(
        renderDiff(message.view, (command, args) => api.postMessage({ type: 'runCommand', command, args })),
      );
  });
  api.postMessage({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
