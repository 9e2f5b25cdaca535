import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../../../src/core/store/runStore';
import { tempStore, writeRun } from '../../fixtures/runs';

describe('the run store', () => {
  it('creates itself with a .gitignore so runs stay out of commits', async () => {
    const root = join(tempStore(), 'nested', '.runlog');
    const store = new RunStore(root);
    assert.equal(store.exists(), false);
    await store.ensureCreated();
    assert.ok(store.exists());
    assert.equal(readFileSync(join(root, '.gitignore'), 'utf8'), '*\n');
  });

  it('says how to fix a store it cannot create', async () => {
    const file = join(tempStore(), 'file');
    writeFileSync(file, '');
    await assert.rejects(new RunStore(join(file, '.runlog')).ensureCreated(), /runlog\.storePath/);
  });

  it('tags and untags runs, and refuses an empty name', async () => {
    const root = tempStore();
    const doc = writeRun(root, { tags: { keep: 'yes', drop: 'x' } });
    const store = new RunStore(root);
    const updated = await store.setTags(doc.id, { drop: '', best: 'true' });
    assert.deepEqual({ ...updated.tags }, { keep: 'yes', best: 'true' });
    await assert.rejects(store.rename(doc.id, '   '), /cannot be empty/);
  });

  it('moves runs to the trash whole and restores them', async () => {
    const root = tempStore();
    const doc = writeRun(root);
    const store = new RunStore(root);
    await store.moveToTrash(doc.id);
    assert.ok(existsSync(join(root, 'trash', doc.id, 'run.json')));
    assert.deepEqual(await store.listIds(), []);
    await store.restoreFromTrash(doc.id);
    assert.deepEqual(await store.listIds(), [doc.id]);
  });

  it('resolves a run by id, id prefix or suffix, or name', async () => {
    const root = tempStore();
    const a = writeRun(root, { name: 'baseline', startTime: '2026-01-01T00:00:00.000Z' });
    writeRun(root, { name: 'other', startTime: '2026-02-01T00:00:00.000Z' });
    const store = new RunStore(root);
    for (const ref of [a.id, a.id.slice(0, 19), a.id.slice(-8), 'baseline']) {
      assert.deepEqual(
        (await store.resolve(ref)).map((e) => e.id),
        [a.id],
        ref,
      );
    }
  });
});
