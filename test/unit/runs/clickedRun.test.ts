// Which run a click in the Runs view opens, while the view rebuilds a live run's row (which reports an empty
// selection for a moment). The view is a stand-in with the two members ClickedRun reads: the selection and its
// change event.
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ClickedRun } from '../../../src/extension/runs/runItemCommand';
import type { RunsNode } from '../../../src/extension/runs/targets';

function fakeView() {
  const listeners = new Set<(e: { selection: readonly RunsNode[] }) => void>();
  const view = {
    selection: [] as readonly RunsNode[],
    onDidChangeSelection(listener: (e: { selection: readonly RunsNode[] }) => void) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
  };
  const select = (...selection: RunsNode[]) => {
    view.selection = selection;
    for (const listener of [...listeners]) listener({ selection });
  };
  return { view: view as unknown as vscode.TreeView<RunsNode>, select };
}

const run = (id: string): RunsNode => ({ kind: 'run', id });

describe('the run a click in the Runs view opens', () => {
  it('is the selected run', async () => {
    const { view, select } = fakeView();
    const clicked = new ClickedRun(view);
    clicked.follow();
    select(run('a'));
    assert.deepEqual(await clicked.get(), run('a'));
  });

  it('is still the clicked run when a rebuild of its row emptied the selection before the command came', async () => {
    const { view, select } = fakeView();
    const clicked = new ClickedRun(view);
    clicked.follow();
    select(run('a'));
    select(); // the row is rebuilt
    assert.deepEqual(await clicked.get(), run('a'));
  });

  it('waits past an empty selection for the click’s own when the command comes first', async () => {
    const { view, select } = fakeView();
    const clicked = new ClickedRun(view);
    clicked.follow();
    const got = clicked.get(5000);
    select(); // a rebuild, reported before the click's selection
    select(run('b'));
    assert.deepEqual(await got, run('b'));
  });

  it('is none when no run is selected in time, and none for several runs', async () => {
    const { view, select } = fakeView();
    const clicked = new ClickedRun(view);
    clicked.follow();
    assert.equal(await clicked.get(10), undefined);
    select(run('a'), run('b'));
    assert.equal(await clicked.get(), undefined);
  });
});
