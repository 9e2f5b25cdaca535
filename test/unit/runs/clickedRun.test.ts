// Which run a click in the Runs view opens. The stand-in view keeps its selection the way VS Code's extension host
// does: as handles, turned into elements when read, dropping handles whose element the view does not know at that
// moment (a live run's row being rebuilt), and firing its event only when the handles change.
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ClickedRun } from '../../../src/extension/runs/runItemCommand';
import type { RunsNode } from '../../../src/extension/runs/targets';

function fakeView() {
  const known = new Map<string, RunsNode>();
  let handles: string[] = [];
  const listeners = new Set<(e: { selection: readonly RunsNode[] }) => void>();
  const read = () => handles.flatMap((h) => known.get(h) ?? []);
  const view = {
    get selection() {
      return read();
    },
    onDidChangeSelection(listener: (e: { selection: readonly RunsNode[] }) => void) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
  };
  return {
    view: view as unknown as vscode.TreeView<RunsNode>,
    show: (...ids: string[]) => ids.forEach((id) => known.set(id, { kind: 'run', id })),
    rebuild: (id: string) => known.delete(id),
    select: (...ids: string[]) => {
      handles = ids;
      for (const listener of [...listeners]) listener({ selection: read() });
    },
  };
}

const run = (id: string): RunsNode => ({ kind: 'run', id });

describe('the run a click in the Runs view opens', () => {
  it('is the selected run', async () => {
    const v = fakeView();
    v.show('a', 'b');
    v.select('a');
    assert.deepEqual(await new ClickedRun(v.view).get(), run('a'));
  });

  it('is the clicked run when the click came while its row was rebuilt (read as empty, no event after)', async () => {
    const v = fakeView();
    v.show('a', 'b');
    v.select('b');
    v.rebuild('a');
    v.select('a'); // reported as an empty selection: 'a' is being rebuilt
    const got = new ClickedRun(v.view, 5).get(5000);
    setTimeout(() => v.show('a'), 30); // the row is back; VS Code fires nothing
    assert.deepEqual(await got, run('a'));
  });

  it('waits for the click’s selection when the command comes first', async () => {
    const v = fakeView();
    v.show('a', 'b');
    const got = new ClickedRun(v.view, 1000).get(5000);
    v.select('b');
    assert.deepEqual(await got, run('b'));
  });

  it('is none when no run is selected in time, and none for several runs', async () => {
    const v = fakeView();
    v.show('a', 'b');
    assert.equal(await new ClickedRun(v.view, 5).get(20), undefined);
    v.select('a', 'b');
    assert.equal(await new ClickedRun(v.view).get(), undefined);
  });
});
