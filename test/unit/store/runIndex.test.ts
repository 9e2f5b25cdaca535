import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import fs from 'node:fs';
import { hostname } from 'node:os';
import sinon from 'sinon';
import { join } from 'node:path';
import { RunIndex } from '../../../src/core/store/runIndex';
import { RunStore } from '../../../src/core/store/runStore';
import { makeRunDocument, pointLine, series, tempStore, writeRun } from '../../fixtures/runs';

function untilChange(index: RunIndex, timeoutMs = 5000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change event')), timeoutMs);
    const sub = index.onDidChange((ids) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(ids);
    });
  });
}

/** Replaces run.json the way writers do: a temporary file renamed over it. */
function replaceDocument(root: string, doc: { id: string; [key: string]: unknown }): void {
  const dir = join(root, 'runs', doc.id);
  writeFileSync(join(dir, '.run.json.tmp'), JSON.stringify(doc));
  renameSync(join(dir, '.run.json.tmp'), join(dir, 'run.json'));
}

describe('the run index', () => {
  let index: RunIndex | undefined;
  afterEach(() => index?.dispose());

  it('lists every run newest first, and unreadable runs with their reason', async () => {
    const root = tempStore();
    const old = writeRun(root, { startTime: '2026-01-01T00:00:00.000Z' }, series('loss', [1, 0.5]));
    const recent = writeRun(root, { startTime: '2026-06-01T00:00:00.000Z' });
    mkdirSync(join(root, 'runs', '20260301-000000-000-deadbeef'));
    writeFileSync(join(root, 'runs', '20260301-000000-000-deadbeef', 'run.json'), '{"id": "2026030');
    index = new RunIndex(new RunStore(root));
    await index.load();
    const entries = index.list();
    assert.deepEqual(
      entries.map((e) => e.id),
      [recent.id, '20260301-000000-000-deadbeef', old.id],
    );
    assert.equal(entries[1].kind, 'unreadable');
    assert.match(entries[1].kind === 'unreadable' ? entries[1].reason : '', /not valid JSON/);
    const first = entries[2];
    assert.equal(first.kind === 'run' && first.doc.metrics.loss.last, 0.5);
  });

  it('hands out the newest runs first when asked, then announces the rest', async () => {
    const root = tempStore();
    const docs = Array.from({ length: 30 }, (_, i) =>
      writeRun(root, { startTime: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }),
    );
    const newest = docs
      .map((d) => d.id)
      .sort()
      .reverse();
    index = new RunIndex(new RunStore(root), { firstPage: 10 });
    const rest = untilChange(index);
    await index.loadNewest();
    assert.deepEqual(
      index.list().map((e) => e.id),
      newest.slice(0, 10),
      'the ten newest, before the others are read',
    );
    assert.deepEqual((await rest).sort().reverse(), newest.slice(10), 'the others, announced once read');
    await index.load();
    assert.equal(index.list().length, 30);
  });

  it('reads the older runs restDelayMs after the newest page, not before', async () => {
    const root = tempStore();
    for (let i = 0; i < 12; i++)
      writeRun(root, { startTime: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() });
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      index = new RunIndex(new RunStore(root), { firstPage: 4, restDelayMs: 1000 });
      await index.loadNewest();
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve)); // what no delay needs
      assert.equal(index.list().length, 4, 'the older runs wait for the delay');
      await clock.tickAsync(1000);
      await index.load();
      assert.equal(index.list().length, 12);
    } finally {
      clock.restore();
    }
  });

  it('re-reads only runs whose document changed', async () => {
    const root = tempStore();
    const a = writeRun(root);
    const b = writeRun(root);
    const store = new RunStore(root);
    index = new RunIndex(store);
    await index.load();
    let reads = 0;
    const original = store.readEntry.bind(store);
    store.readEntry = (id) => {
      reads++;
      return original(id);
    };
    await index.refresh();
    assert.equal(reads, 0, 'nothing changed, nothing read');
    replaceDocument(root, { ...a, name: 'renamed elsewhere', params: { lr: 0.2, extra: 1 } });
    await index.refresh();
    assert.equal(reads, 1);
    const entry = index.get(a.id);
    assert.equal(entry?.kind === 'run' && entry.doc.name, 'renamed elsewhere');
    assert.equal(index.get(b.id)?.kind, 'run');
  });

  it('follows new runs and live writes to running runs without being asked', async () => {
    const root = tempStore();
    index = new RunIndex(new RunStore(root), { watch: true, debounceMs: 10 });
    await index.load();
    assert.equal(index.list().length, 0);

    const live = makeRunDocument({
      status: 'running',
      capture: { pid: process.pid, host: (await import('node:os')).hostname() },
    });
    const added = untilChange(index);
    mkdirSync(join(root, 'runs', live.id));
    replaceDocument(root, live);
    assert.ok((await added).includes(live.id));
    await waitFor(() => index?.get(live.id)?.kind === 'run');

    const updated = untilChange(index);
    replaceDocument(root, {
      ...live,
      metrics: { loss: { last: 0.3, min: 0.3, max: 0.3, count: 1, step: 0, time: 1 } },
    });
    assert.deepEqual(await updated, [live.id]);
    const entry = index.get(live.id);
    assert.equal(entry?.kind === 'run' && entry.doc.metrics.loss.last, 0.3);
  });

  it('shows a running run whose process is gone as crashed, and changes no file', async () => {
    const root = tempStore();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const doc = writeRun(root, {
      status: 'running',
      endTime: null,
      heartbeatAt: new Date().toISOString(),
      capture: { pid: dead, host: hostname() },
    });
    const file = join(root, 'runs', doc.id, 'run.json');
    const before = readFileSync(file, 'utf8');
    index = new RunIndex(new RunStore(root));
    await index.load();
    const entry = index.get(doc.id);
    assert.equal(entry?.kind === 'run' && entry.doc.status, 'crashed');
    assert.equal(entry?.kind === 'run' && entry.crash, `process ${dead} is gone`);
    assert.equal(readFileSync(file, 'utf8'), before, 'run.json untouched');
    assert.deepEqual(readdirSync(join(root, 'runs', doc.id)), ['run.json'], 'no lock or temporary file left');
  });

  it('records the crash on disk only when asked to (the extension)', async () => {
    const root = tempStore();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const doc = writeRun(root, {
      status: 'running',
      endTime: null,
      heartbeatAt: '2026-11-01T10:00:05.000Z',
      startTime: '2026-11-01T10:00:00.000Z',
      capture: { pid: dead, host: hostname() },
    });
    index = new RunIndex(new RunStore(root), { persistCrashes: true });
    await index.load();
    const store = new RunStore(root);
    await waitFor(() => {
      const onDisk = store.readEntry(doc.id);
      return onDisk.kind === 'run' && onDisk.doc.status === 'crashed' && onDisk.crash === undefined;
    });
    const onDisk = store.readEntry(doc.id);
    assert.equal(onDisk.kind === 'run' && onDisk.doc.endTime, '2026-11-01T10:00:05.000Z');
    assert.match(onDisk.kind === 'run' ? (onDisk.doc.error?.message ?? '') : '', /died without closing/);
    await index.refresh([doc.id]);
    const shown = index.get(doc.id);
    assert.deepEqual(shown?.kind === 'run' && [shown.doc.status, shown.crash], ['crashed', undefined]);
  });

  it('turns one flush of a writer into one read and one event', async () => {
    const root = tempStore();
    const live = writeRun(root, {
      status: 'running',
      endTime: null,
      heartbeatAt: new Date().toISOString(),
      capture: { pid: process.pid, host: hostname() },
    });
    const store = new RunStore(root);
    const log: string[] = [];
    const original = store.readEntry.bind(store);
    store.readEntry = (id) => (log.push('read'), original(id));
    index = new RunIndex(store, { watch: true, debounceMs: 30 });
    await index.load();
    log.length = 0;
    index.onDidChange((ids) => log.push(`change ${ids.join()}`));
    index.onDidWriteFiles((ids) => log.push(`wrote ${ids.join()}`));
    const dir = join(root, 'runs', live.id);
    const events = () => log.filter((line) => line !== 'read').length;

    // Files only (run.json unchanged): one event, nothing read.
    appendFileSync(join(dir, 'metrics.jsonl'), pointLine({ key: 'loss', value: 1, step: 0, time: 0 }));
    appendFileSync(join(dir, 'output.log'), 'epoch 0\n');
    await waitFor(() => events() === 1);
    // Two flushes as the Python client makes them: points, output, then run.json replaced.
    for (const step of [1, 2]) {
      appendFileSync(join(dir, 'metrics.jsonl'), pointLine({ key: 'loss', value: 1, step, time: 0 }));
      appendFileSync(join(dir, 'output.log'), `epoch ${step}\n`);
      replaceDocument(root, { ...live, heartbeatAt: new Date().toISOString(), name: `step ${step}` });
      await waitFor(() => events() === 1 + step);
    }
    assert.deepEqual(log, [`wrote ${live.id}`, 'read', `change ${live.id}`, 'read', `change ${live.id}`]);
  });

  it('misses no write that follows the previous one within the watcher throttle (50 ms)', async () => {
    const root = tempStore();
    const live = writeRun(root, {
      status: 'running',
      endTime: null,
      heartbeatAt: new Date().toISOString(),
      capture: { pid: process.pid, host: hostname() },
    });
    index = new RunIndex(new RunStore(root), { watch: true, debounceMs: 5 });
    await index.load();
    let writes = 0;
    index.onDidWriteFiles(() => writes++);
    const metrics = join(root, 'runs', live.id, 'metrics.jsonl');
    appendFileSync(metrics, pointLine({ key: 'loss', value: 1, step: 0, time: 0 }));
    await waitFor(() => writes === 1);
    appendFileSync(metrics, pointLine({ key: 'loss', value: 1, step: 1, time: 0 })); // chokidar drops this event
    await waitFor(() => writes === 2);
  });

  it('reports writes made right after loading, before the run watchers are ready', async () => {
    const root = tempStore();
    const live = writeRun(root, {
      status: 'running',
      endTime: null,
      heartbeatAt: new Date().toISOString(),
      capture: { pid: process.pid, host: hostname() },
    });
    index = new RunIndex(new RunStore(root), { watch: true, debounceMs: 5 });
    let writes = 0;
    index.onDidWriteFiles((ids) => (writes += ids.filter((id) => id === live.id).length));
    await index.load();
    appendFileSync(
      join(root, 'runs', live.id, 'metrics.jsonl'),
      pointLine({ key: 'loss', value: 1, step: 0, time: 0 }),
    );
    await waitFor(() => writes === 1);
    await index.watching();
    assert.equal(writes, 1, 'one write, one event');
  });

  it('follows run folders added and removed outside the extension without being asked', async () => {
    const root = tempStore();
    const kept = writeRun(root);
    const gone = writeRun(root);
    index = new RunIndex(new RunStore(root), { watch: true, debounceMs: 5 });
    await index.load();
    const removed = untilChange(index);
    rmSync(join(root, 'runs', gone.id), { recursive: true });
    assert.deepEqual(await removed, [gone.id]);
    assert.deepEqual(
      index.list().map((e) => e.id),
      [kept.id],
    );
    const added = writeRun(root);
    await waitFor(() => index?.get(added.id)?.kind === 'run');
    assert.equal(index.list().length, 2);
  });

  it('follows new and removed runs by listing when the runs folder cannot be watched, and says so once', async () => {
    const root = tempStore();
    const gone = writeRun(root);
    const noWatch = sinon
      .stub(fs, 'watch')
      .throws(Object.assign(new Error('no inotify watch left'), { code: 'ENOSPC' }));
    try {
      const errors: unknown[] = [];
      index = new RunIndex(new RunStore(root), {
        watch: true,
        debounceMs: 5,
        onError: (e) => errors.push(e),
      });
      await index.load();
      const added = writeRun(root);
      rmSync(join(root, 'runs', gone.id), { recursive: true });
      await waitFor(() => index?.get(added.id)?.kind === 'run' && index.get(gone.id) === undefined);
      await waitFor(() => noWatch.callCount >= 2); // retried at least once
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]), /no inotify watch left/);
    } finally {
      noWatch.restore();
    }
  });

  it('drops runs moved to the trash and brings them back on restore', async () => {
    const root = tempStore();
    const doc = writeRun(root);
    const store = new RunStore(root);
    index = new RunIndex(store);
    await index.load();
    await store.moveToTrash(doc.id);
    assert.equal(index.list().length, 1);
    await index.refresh([doc.id]);
    assert.equal(index.get(doc.id), undefined);
    assert.equal(index.list().length, 0, 'the listing follows, not a stale sorted copy');
    await store.restoreFromTrash(doc.id);
    await index.refresh([doc.id]);
    assert.equal(index.get(doc.id)?.kind, 'run');
    assert.deepEqual(
      index.list().map((e) => e.id),
      [doc.id],
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
