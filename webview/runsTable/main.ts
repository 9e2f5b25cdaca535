// Entry point of the runs table page (dist/webview/runsTable.js). The extension answers `ready` with `setRuns`.
import './runsTable.css';
import { startPage } from '../shared/page';
import { DEFAULT_UI, RunsTableApp, type RunsTableUi } from './app';
import { parseToRunsTableWebview, type FromRunsTableWebview, type ToRunsTableWebview } from './contract';

let app: RunsTableApp | undefined;
startPage<ToRunsTableWebview, FromRunsTableWebview, RunsTableUi>(
  { parse: parseToRunsTableWebview, onMessage: (message) => app?.handle(message) },
  (page) => {
    const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
    app = new RunsTableApp(
      root,
      (m) => page.post(m),
      { ...DEFAULT_UI, ...page.ui },
      (ui) => page.saveUi(ui),
    );
  },
);
