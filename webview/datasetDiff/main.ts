// Entry point of the dataset diff page (bundled into dist/webview/datasetDiff.js and .css). The extension answers
// our `ready` with the diff; the page renders summary and drift first, then files, then the tabular detail.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import './datasetDiff.css';
import { startPage } from '../shared/page';
import {
  parseToDatasetDiffWebview,
  type FromDatasetDiffWebview,
  type ToDatasetDiffWebview,
} from './contract';
import { renderDiff, renderError } from './render';

let root: HTMLElement | undefined;
let post: (message: FromDatasetDiffWebview) => void = () => undefined;
startPage<ToDatasetDiffWebview, FromDatasetDiffWebview, undefined>(
  {
    parse: parseToDatasetDiffWebview,
    onMessage: (message) => {
      if (!root) return;
      if (message.type === 'error') root.replaceChildren(renderError(message.message));
      else
        root.replaceChildren(
          renderDiff(
            message.view,
            (command, args) => post({ type: 'runCommand', command, args }),
            (path, key) => post({ type: 'chooseKey', path, key }),
          ),
        );
    },
  },
  (page) => {
    root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
    post = (message) => page.post(message);
  },
);
