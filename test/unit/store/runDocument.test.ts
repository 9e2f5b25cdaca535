import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseRunDocument, updateRunDocument, UnreadableRunError } from '../../../src/core/store/runDocument';
import {
  inspectLock,
  STALE_LOCK_MS,
  StoreBusyError,
  withLock,
  type LockOwner,
} from '../../../src/core/store/lock';
import { processStartOf } from '../../../src/core/store/processIdentity';
import { RunStore } from '../../../src/core/store/runStore';
import { tempStore, writeRun, makeRunDocument } from '../../fixtures/runs';

describe('run documents', () => {
  it('explains why a document cannot be read', () => {
    const id = '20261121-221815-123-9f3a0c1e';
    const reason = (text: string) => {
      try {
        parseRunDocument(text, id);
        return 'readable';
      } catch (error) {
        assert.ok(error instanceof UnreadableRunError);
        return error.message;
      }
    };
    assert.match(reason(''), /empty/);
    assert.match(reason('{"id": "2026'), /not valid JSON/);
    assert.match(reason('[1]'), /JSON object/);
    assert.match(reason(JSON.stringify({ ...makeRunDocument(), id: 'other' })), /folder is/);
    assert.match(reason(JSON.stringify({ ...makeRunDocument({ id }), status: 'weird' })), /unknown status/);
    assert.equal(reason(JSON.stringify(makeRunDocument({ id }))), 'readable');
  });

  it('fills parts other tools may leave out', () => {
    const id = '20261121-221815-123-9f3a0c1e';
    const doc = parseRunDocument(
      JSON.stringify({ id, status: 'finished', startTime: '2026-11-21T22:18:15Z' }),
      id,
    );
    assert.deepEqual([doc.name, doc.experiment, { ...doc.params }, doc.datasets], [id, 'default', {}, []]);
  });

  it('edits keep fields written by other tools and replace the file whole', async () => {
    const root = tempStore();
    const doc = writeRun(root);
    const file = join(root, 'runs', doc.id, 'run.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...stored, otherTool: { keep: true } }));
    await new RunStore(root).rename(doc.id, '  best run  ');
    const after = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(after.name, 'best run');
    assert.deepEqual(after.otherTool, { keep: true });
  });

  it('never writes over a document it cannot read', async () => {
    const root = tempStore();
    const doc = writeRun(root);
    const file = join(root, 'runs', doc.id, 'run.json');
    writeFileSync(file, '{"id": "half-writ');
    await assert.rejects(
      updateRunDocument(file, doc.id, (d) => (d.name = 'x')),
      UnreadableRunError,
    );
    assert.equal(readFileSync(file, 'utf8'), '{"id": "half-writ');
  });

  it('serialises concurrent edits under the lock so none is lost', async () => {
    const root = tempStore();
    const doc = writeRun(root);
    const store = new RunStore(root);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.setTags(doc.id, { [`t${i}`]: String(i) })));
    const tags = store.readEntry(doc.id) as { doc: { tags: Record<string, string> } };
    assert.equal(Object.keys(tags.doc.tags).length, 20);
  });

  it('waits for a held lock, then gives up with an actionable error', async () => {
    const root = tempStore();
    const lock = join(root, 'x.lock');
    let inner = false;
    await withLock(lock, async () => {
      await assert.rejects(
        withLock(lock, () => Promise.resolve((inner = true)), 200),
        (error: unknown) => error instanceof StoreBusyError && /delete the lock file/.test(error.message),
      );
    });
    assert.equal(inner, false);
    await withLock(lock, () => Promise.resolve((inner = true)));
    assert.equal(inner, true);
  });

  it('removes a stale lock left by a dead writer', async () => {
    const root = tempStore();
    const lock = join(root, 'y.lock');
    writeFileSync(lock, '{"pid": 1}');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    assert.equal(await withLock(lock, () => Promise.resolve('done'), 100), 'done');
  });
});

describe('lossless rewrites', () => {
  const cleanup: string[] = [];
  afterEach(() => {
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function storeWith(text: (id: string) => string) {
    const root = tempStore();
    cleanup.push(dirname(root));
    const doc = writeRun(root);
    const file = join(root, 'runs', doc.id, 'run.json');
    writeFileSync(file, text(doc.id));
    return { root, id: doc.id, file, store: new RunStore(root) };
  }

  const written = (id: string, extra: string) =>
    `{"schema": 1, "id": "${id}", "name": "a", "experiment": "e", "status": "running",
      "startTime": "${new Date().toISOString()}", "heartbeatAt": "${new Date().toISOString()}",
      "params": {"seed": 12345678901234567891, "zero": -0.0, "lr": 1.50, "huge": 1e400},
      "tags": {}, "metrics": {"loss": {"last": -0.0, "min": -0.0, "max": 9007199254740993, "count": 3,
      "step": 2, "time": 1763762295.123456789}}, "capture": {"pid": 1}, "datasets": [], "artifacts": [],
      "other": ${extra}}`;

  it('rename, tag and markCrashed keep big integers, -0.0 and unknown values exactly as written', async () => {
    const extra = '{"nested": [1.0, 2e-7, 18446744073709551615, "\\u00e9", null, true], "z": {}}';
    const { id, file, store } = storeWith((id) => written(id, extra));
    await store.rename(id, 'renamed');
    await store.setTags(
      id,
      Object.fromEntries([
        ['best', 'yes'],
        ['__proto__', 'odd key'],
      ]),
    );
    await store.markCrashed(id, 'test');
    const text = readFileSync(file, 'utf8');
    for (const exact of [
      '"seed": 12345678901234567891',
      '"zero": -0.0',
      '"lr": 1.50',
      '"huge": 1e400',
      '"max": 9007199254740993',
      '"time": 1763762295.123456789',
      '18446744073709551615',
      '1.0,',
      '2e-7',
    ]) {
      assert.ok(text.includes(exact), `${exact} kept`);
    }
    const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;
    assert.equal(parsed.name, 'renamed');
    assert.equal(parsed.status, 'crashed');
    assert.deepEqual(Object.keys(parsed.tags), ['best', '__proto__']);
    assert.deepEqual(parsed.other.z, {});
    assert.ok(text.endsWith('}\n'), 'written as the Python client writes: indent 2, trailing newline');
  });

  it('rewrites a document that starts with a byte order mark (without the mark)', async () => {
    const { id, file, store } = storeWith((id) => `\uFEFF${written(id, 'null')}`);
    const doc = await store.rename(id, 'bom');
    assert.equal(doc.name, 'bom');
    assert.equal(readFileSync(file, 'utf8').charCodeAt(0), '{'.charCodeAt(0));
  });

  it('refuses to rewrite a document nested too deeply to keep exactly, and leaves it as it is', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const { id, file, store } = storeWith((id) => written(id, deep));
    const before = readFileSync(file, 'utf8');
    assert.equal(store.readEntry(id).kind, 'run', 'still readable');
    await assert.rejects(store.rename(id, 'x'), /nests too deeply .* left as it is/);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal(existsSync(`${file}.lock`), false, 'lock released');
  });
});

describe('the run.json lock', () => {
  const cleanup: string[] = [];
  afterEach(() => {
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function lockFile(): string {
    const dir = mkdtempSync(join(tmpdir(), 'runlog-lock-'));
    cleanup.push(dir);
    return join(dir, 'run.json.lock');
  }

  it('records its owner: pid, host, process start and time', async () => {
    const lock = lockFile();
    const owner = await withLock(lock, async () => JSON.parse(await readFile(lock, 'utf8')) as LockOwner);
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.host, hostname());
    assert.equal(owner.processStart, processStartOf(process.pid));
    assert.ok(Math.abs(Date.parse(owner.at) - Date.now()) < 60_000);
    assert.equal(existsSync(lock), false);
  });

  it('breaks at once a fresh lock whose owner on this host is gone', async () => {
    const lock = lockFile();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), at: new Date().toISOString() }));
    assert.equal(await withLock(lock, () => Promise.resolve('taken'), 0), 'taken');
  });

  it('breaks at once a lock whose pid now belongs to another program', async () => {
    const lock = lockFile();
    const owner = { pid: process.pid, host: hostname(), processStart: 'another-boot:1', at: '' };
    writeFileSync(lock, JSON.stringify(owner));
    assert.equal(await withLock(lock, () => Promise.resolve('taken'), 0), 'taken');
  });

  it('waits for a fresh lock of another host, names its owner, and breaks it once stale', async () => {
    const lock = lockFile();
    writeFileSync(lock, JSON.stringify({ pid: 4242, host: 'elsewhere', at: new Date().toISOString() }));
    await assert.rejects(
      withLock(lock, () => Promise.resolve(), 50),
      (error: unknown) =>
        error instanceof StoreBusyError && /process 4242 on elsewhere holds/.test(error.message),
    );
    const old = new Date(Date.now() - STALE_LOCK_MS - 1000);
    utimesSync(lock, old, old);
    assert.equal(await withLock(lock, () => Promise.resolve('taken'), 0), 'taken');
  });

  it('keeps a fresh lock of a live owner (this process) until it is released', async () => {
    const lock = lockFile();
    await withLock(lock, async () => {
      const held = await inspectLock(lock);
      assert.equal(held?.orphaned, false);
      await assert.rejects(
        withLock(lock, () => Promise.resolve(), 30),
        StoreBusyError,
      );
    });
  });
});
