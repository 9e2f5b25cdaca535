// Entry point of the Run details page (bundled by esbuild.mjs into dist/webview/details.js and details.css). The
// extension opens it through the generic panel host (src/extension/webview/panelHost.ts), answers our `ready` with
// `setRun`, then streams `patchRun`, `appendPoints` and `appendOutput` while the run is live.
import './details.css';
import { startPage } from '../shared/page';
import { DetailsApp, type UiState } from './app';
import { parseToDetailsWebview, type FromDetailsWebview, type ToDetailsWebview } from './contract';

let app: DetailsApp | undefined;
startPage<ToDetailsWebview, FromDetailsWebview, UiState>(
  { parse: parseToDetailsWebview, onMessage: (message) => app?.handle(message) },
  (page) => {
    const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
    app = new DetailsApp(root, page);
  },
);
