// Entry point of the Compare panel page (dist/webview/compare.js). The extension answers `ready` with
// `setComparison`.
import './compare.css';
import { startPage } from '../shared/page';
import { CompareApp, DEFAULT_UI, type CompareUi } from './app';
import { parseToCompareWebview, type FromCompareWebview, type ToCompareWebview } from './contract';

let app: CompareApp | undefined;
startPage<ToCompareWebview, FromCompareWebview, CompareUi>(
  { parse: parseToCompareWebview, onMessage: (message) => app?.handle(message) },
  (page) => {
    const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
    app = new CompareApp(
      root,
      (m) => page.post(m),
      { ...DEFAULT_UI, ...page.ui },
      (ui) => page.saveUi(ui),
    );
  },
);
