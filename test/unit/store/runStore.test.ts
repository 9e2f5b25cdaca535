import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
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

  it('removes the temporaries a killed writer left beside run.json when it records the crash, and only those', async () => {
    const root = tempStore();
    const doc = writeRun(root, { status: 'running', endTime: null });
    const dir = join(root, 'runs', doc.id);
    const alive = new Set([4242]);
    const store = new RunStore(root, {
      probe: { host: hostname(), now: () => Date.now(), isProcessAlive: (pid) => alive.has(pid) },
    });
    const left = ['run.json.999999.a1b2c3.tmp', 'run.json.lock.999999.0f0f0f.tmp'];
    const kept = ['run.json.4242.abcdef.tmp', 'notes.tmp', 'run.json.tmp', 'run.json.x.abc.tmp'];
    for (const name of [...left, ...kept]) writeFileSync(join(dir, name), '{');
    const crashed = await store.markCrashed(doc.id, 'process 999999 is gone');
    assert.equal(crashed.status, 'crashed');
    assert.deepEqual(
      readdirSync(dir)
        .filter((name) => name.endsWith('.tmp'))
        .sort(),
      [...kept].sort(),
    );
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
