import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunDocument, updateRunDocument, UnreadableRunError } from '../../../src/core/store/runDocument';
import { StoreBusyError, withLock } from '../../../src/core/store/lock';
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
    assert.deepEqual([doc.name, doc.experiment, doc.params, doc.datasets], [id, 'default', {}, []]);
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
    const { utimesSync } = await import('node:fs');
    utimesSync(lock, old, old);
    assert.equal(await withLock(lock, () => Promise.resolve('done'), 100), 'done');
  });
});
