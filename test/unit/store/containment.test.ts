import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveInsideRun, resolveInsideStore } from '../../../src/core/store/containment';
import { RunStore } from '../../../src/core/store/runStore';
import { tempFolder, tempStore, writeRun } from '../../fixtures/runs';

describe('keeping reads and Open inside the store', () => {
  const root = tempStore();
  const outside = tempFolder('runlog-outside-');
  writeFileSync(join(outside, 'secret'), 'not for the store');
  const run = writeRun(root);
  const runDir = join(root, 'runs', run.id);
  mkdirSync(join(runDir, 'artifacts'));
  writeFileSync(join(runDir, 'artifacts', 'model.pt'), 'weights');
  symlinkSync(join(outside, 'secret'), join(runDir, 'artifacts', 'link'));
  symlinkSync('model.pt', join(runDir, 'artifacts', 'alias'));

  it('resolves a run file to its real path', () => {
    const resolved = resolveInsideRun(root, run.id, 'artifacts/model.pt');
    assert.ok(resolved.ok);
    assert.match(resolved.path, /artifacts\/model\.pt$/);
    assert.equal(resolveInsideRun(root, run.id, 'artifacts/alias').ok, true, 'a link inside stays allowed');
  });

  it('refuses links out, .. paths, absolute paths and missing files, saying why', () => {
    const reason = (rel: string) => {
      const result = resolveInsideRun(root, run.id, rel);
      assert.equal(result.ok, false, rel);
      return result.ok ? '' : result.reason;
    };
    assert.match(
      reason('artifacts/link'),
      /is a link to .*secret, outside the store; Runlog does not follow it/,
    );
    assert.match(reason('../../../etc/passwd'), /leaves its folder/);
    assert.match(reason('/etc/passwd'), /is absolute/);
    assert.match(reason('artifacts/none'), /does not exist/);
    assert.match(reason('a\0b'), /not a valid path/);
    assert.equal(resolveInsideStore(root, 'runs').ok, true);
  });

  it('refuses to edit a run whose run.json is a link out of the store, and writes nothing there', async () => {
    const linked = writeRun(outside);
    const dir = join(root, 'runs', linked.id);
    mkdirSync(dir);
    symlinkSync(join(outside, 'runs', linked.id, 'run.json'), join(dir, 'run.json'));
    const store = new RunStore(root);
    const entry = store.readEntry(linked.id);
    assert.equal(entry.kind, 'unreadable');
    assert.match(entry.kind === 'unreadable' ? entry.reason : '', /outside the store/);
    await assert.rejects(store.rename(linked.id, 'x'), /will not edit run .*outside the store/);
  });
});
