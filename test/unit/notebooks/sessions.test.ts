import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCellRecords } from '../../../src/core/notebooks/cells';
import { pointerFile, readPointer } from '../../../src/core/notebooks/pointer';
import { NotebookSessions, type TrackedNotebook } from '../../../src/core/notebooks/sessions';
import { crashReason } from '../../../src/core/store/liveness';
import { updateRunDocument } from '../../../src/core/store/runDocument';
import { RunStore } from '../../../src/core/store/runStore';
import type { RunDocument } from '../../../src/core/store/types';
import { execution } from './cells.test';

const NOTEBOOK: TrackedNotebook = {
  key: 'file:///work/nb/train.ipynb',
  path: '/work/nb/train.ipynb',
  info: { notebook: 'nb/train.ipynb', experiment: 'train', cwd: '/work/nb', kernel: { label: 'Python 3' } },
};

describe('notebook sessions', () => {
  let root: string;
  let store: RunStore;
  let sessions: NotebookSessions;
  let alive: Set<number>;
  const logged: string[] = [];

  beforeEach(() => {
    root = join(mkdtempSync(join(tmpdir(), 'runlog-nb-')), '.runlog');
    store = new RunStore(root);
    alive = new Set();
    logged.length = 0;
    sessions = new NotebookSessions(store, {
      log: { info: (m) => logged.push(m), warn: (m) => logged.push(`WARN ${m}`) },
      heartbeatMs: 3_600_000,
      isProcessAlive: (pid) => alive.has(pid),
    });
  });
  afterEach(async () => {
    await sessions.dispose();
    rmSync(join(root, '..'), { recursive: true, force: true });
  });

  const doc = (id: string) => JSON.parse(readFileSync(store.layout.runDocument(id), 'utf8')) as RunDocument;

  it('announce the next run to the kernel and start it with the first executed cell', async () => {
    await store.ensureCreated();
    await sessions.open(NOTEBOOK);
    const pointer = await readPointer(root, NOTEBOOK.path!);
    assert.ok(pointer);
    assert.equal(pointer.notebook, NOTEBOOK.path);
    assert.equal(pointer.editorPid, process.pid);
    assert.equal(existsSync(store.layout.runDir(pointer.runId)), false, 'no run before a cell runs');

    await sessions.cellStarted(NOTEBOOK.key, 1);
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 1 }));
    await sessions.cellEnded(NOTEBOOK.key, execution({ cell: 'c2', index: 1, order: 2 }));
    await sessions.idle();
    const run = doc(pointer.runId);
    assert.equal(run.status, 'running');
    assert.equal(run.experiment, 'train');
    assert.equal(run.capture.source, 'notebook');
    assert.equal(run.capture.notebook, 'nb/train.ipynb');
    assert.equal(run.capture.pid, undefined, "the editor's process is not the run's to stop");
    assert.deepEqual(run.capture.notebookCells, { executed: 2, failed: 0, lastFailed: false });
    const records = await readCellRecords(store.layout.runDir(pointer.runId));
    assert.deepEqual(
      records.map((r) => [r.cell, r.order]),
      [
        ['c1', 1],
        ['c2', 2],
      ],
    );
  });

  it('create no store when a notebook is only opened; the first executed cell creates it', async () => {
    await sessions.open(NOTEBOOK);
    assert.equal(existsSync(root), false);
    await sessions.cellStarted(NOTEBOOK.key, 1);
    const pointer = await readPointer(root, NOTEBOOK.path!);
    assert.equal(pointer?.runId, sessions.currentRun(NOTEBOOK.key)?.id);
    assert.equal(readFileSync(join(root, '.gitignore'), 'utf8'), '*\n');
  });

  it('end the run when the kernel restarts (the execution count starts over) and start a new one', async () => {
    await sessions.open(NOTEBOOK);
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 1 }));
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 2, success: false, outputs: [] }));
    const first = sessions.currentRun(NOTEBOOK.key)!.id;
    await sessions.cellStarted(NOTEBOOK.key, 3); // still this session
    assert.equal(sessions.currentRun(NOTEBOOK.key)!.id, first);
    await sessions.cellStarted(NOTEBOOK.key, 1);
    const second = sessions.currentRun(NOTEBOOK.key)!.id;
    assert.notEqual(second, first);
    assert.equal((await readPointer(root, NOTEBOOK.path!))?.runId, second);
    const ended = doc(first);
    assert.equal(ended.status, 'failed', 'its last cell failed');
    assert.deepEqual(ended.error, { type: 'CellFailed', message: 'Cell 1 failed' });
    assert.ok(ended.endTime);
    assert.equal(typeof ended.capture.durationSec, 'number');
    assert.equal((await readCellRecords(store.layout.runDir(first))).length, 2);
    assert.ok(logged.some((m) => /kernel restarted/.test(m)));
  });

  it('end the run as finished when the notebook closes, and withdraw the pointer', async () => {
    await sessions.open(NOTEBOOK);
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 1 }));
    const id = sessions.currentRun(NOTEBOOK.key)!.id;
    await sessions.close(NOTEBOOK.key, 'the notebook was closed');
    assert.equal(doc(id).status, 'finished');
    assert.equal(existsSync(pointerFile(root, NOTEBOOK.path!)), false);
    assert.equal(sessions.has(NOTEBOOK.key), false);
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 2 })); // ignored: not followed any more
    assert.deepEqual(await store.listIds(), [id]);
  });

  it('heartbeat running runs, bring back a run a reader took for crashed, end one whose kernel exited', async () => {
    await sessions.open(NOTEBOOK);
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 1 }));
    await sessions.idle();
    const id = sessions.currentRun(NOTEBOOK.key)!.id;
    await store.markCrashed(id, 'test');
    await sessions.beatNow();
    assert.equal(doc(id).status, 'running');

    // The Python client attached from kernel process 4242 (alive), which then exits.
    alive.add(4242);
    await store.setTags(id, {}); // any edit; the kernel writes capture.kernel itself:
    await updateRunDocument(store.layout.runDocument(id), id, (d) => {
      const capture = d.capture as Record<string, unknown>;
      capture.kernel = { ...(capture.kernel as object), pid: 4242, host: hostname() };
    });
    await sessions.beatNow();
    await sessions.beatNow();
    assert.equal(doc(id).status, 'running');
    alive.delete(4242);
    await sessions.beatNow();
    assert.equal(doc(id).status, 'finished');
    assert.ok(logged.some((m) => /kernel process 4242 exited/.test(m)));
    assert.equal(sessions.currentRun(NOTEBOOK.key), undefined);
  });

  it('leave a run whose editor died to the crash rule: no pid, so crashed once the heartbeat is 30 s old', async () => {
    await sessions.open(NOTEBOOK);
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 1 }));
    await sessions.idle();
    const run = doc(sessions.currentRun(NOTEBOOK.key)!.id);
    const probe = { host: hostname(), now: () => Date.parse(run.heartbeatAt!), isProcessAlive: () => false };
    assert.equal(crashReason(run, probe), undefined, 'alive while heartbeated, whatever process is gone');
    assert.match(
      crashReason(run, { ...probe, now: () => Date.parse(run.heartbeatAt!) + 31_000 }) ?? '',
      /heartbeat/,
    );
  });

  it('start a new run after the current one was stopped from the editor', async () => {
    await sessions.open(NOTEBOOK);
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 1 }));
    await sessions.idle();
    const id = sessions.currentRun(NOTEBOOK.key)!.id;
    await store.markInterrupted(id, 'Stopped from the editor');
    await sessions.beatNow();
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 2 }));
    const next = sessions.currentRun(NOTEBOOK.key)!.id;
    assert.notEqual(next, id);
    assert.equal(doc(id).status, 'interrupted');
    assert.equal((await readPointer(root, NOTEBOOK.path!))?.runId, next);
  });

  it('start a new run, and never bring the old one back, when the current run is deleted', async () => {
    await sessions.open(NOTEBOOK);
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 1 }));
    await sessions.idle();
    const id = sessions.currentRun(NOTEBOOK.key)!.id;
    await store.moveToTrash(id);
    await sessions.beatNow();
    await sessions.cellEnded(NOTEBOOK.key, execution({ order: 2 }));
    await sessions.idle();
    assert.equal(existsSync(store.layout.runDir(id)), false);
    assert.notEqual(sessions.currentRun(NOTEBOOK.key)!.id, id);
    assert.ok(!logged.some((m) => m.startsWith('WARN')), logged.join('\n'));
  });

  it('track an untitled notebook without a pointer (no kernel can find it by path)', async () => {
    const untitled: TrackedNotebook = {
      key: 'untitled:Untitled-1.ipynb',
      path: undefined,
      info: { notebook: 'untitled:Untitled-1.ipynb', experiment: 'Untitled-1' },
    };
    await sessions.open(untitled);
    await sessions.cellEnded(untitled.key, execution({ order: 1 }));
    await sessions.idle();
    const id = sessions.currentRun(untitled.key)!.id;
    assert.equal(doc(id).capture.notebook, 'untitled:Untitled-1.ipynb');
    assert.equal(existsSync(join(root, 'notebooks')), false);
  });
});
