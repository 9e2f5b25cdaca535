// Fault injection: a store whose run folders, run.json and artifacts are symbolic links out of it (a committed
// `.runlog/` in a cloned repository). Reading and editing must refuse them and touch nothing outside.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { commands } from '../../../src/cli/commands';
import { resolveInsideRun } from '../../../src/core/store/containment';
import { RunIndex } from '../../../src/core/store/runIndex';
import { RunStore } from '../../../src/core/store/runStore';
import { tempFolder, tempStore, writeRun } from '../../fixtures/runs';

function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const info = statSync(full);
      hash.update(`${full} ${info.mtimeMs} ${info.size}\n`);
      if (info.isDirectory()) walk(full);
      else hash.update(readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

describe('fault injection: symbolic links out of the store', () => {
  const root = tempStore();
  const outside = tempFolder('runlog-outside-');
  // Outside: a run that is "running" with a dead pid (a reader that persisted crashes would write to it), a run.json,
  // and a secret file.
  const victim = writeRun(outside, {
    status: 'running',
    endTime: null,
    heartbeatAt: '2026-01-01T00:00:00.000Z',
    capture: { pid: 999_999, host: hostname() },
  });
  const lone = writeRun(outside);
  writeFileSync(join(outside, 'secret'), 'private');
  symlinkSync(join(outside, 'runs', victim.id), join(root, 'runs', victim.id));
  mkdirSync(join(root, 'runs', lone.id));
  symlinkSync(join(outside, 'runs', lone.id, 'run.json'), join(root, 'runs', lone.id, 'run.json'));
  const own = writeRun(root);
  mkdirSync(join(root, 'runs', own.id, 'artifacts'));
  symlinkSync(join(outside, 'secret'), join(root, 'runs', own.id, 'artifacts', 'shadow'));

  it('lists linked runs as unreadable with the reason, even in the extension’s index, and writes nothing outside', async () => {
    const before = fingerprint(outside);
    const index = new RunIndex(new RunStore(root), { persistCrashes: true });
    await index.load();
    const reasons = Object.fromEntries(
      index.list().map((e) => [e.id, e.kind === 'unreadable' ? e.reason : e.kind]),
    );
    index.dispose();
    assert.deepEqual(reasons, {
      [victim.id]: `the run folder ${victim.id} is a link to ${join(outside, 'runs', victim.id)}, outside the store; Runlog does not follow it`,
      [lone.id]: `the run.json run.json is a link to ${join(outside, 'runs', lone.id, 'run.json')}, outside the store; Runlog does not follow it`,
      [own.id]: 'run',
    });
    let text = '';
    await commands.ls([], { store: root }, { write: (t: string) => (text += t) });
    assert.match(text, /unreadable/);
    assert.equal(fingerprint(outside), before);
  });

  it('refuses to edit them, and to open an artifact that links out', async () => {
    const before = fingerprint(outside);
    const store = new RunStore(root);
    await assert.rejects(store.rename(victim.id, 'x'), /will not edit run .* outside the store/);
    await assert.rejects(store.setTags(lone.id, { a: '1' }), /will not edit run .* outside the store/);
    await assert.rejects(store.markCrashed(victim.id, 'x'), /outside the store/);
    const open = resolveInsideRun(root, own.id, 'artifacts/shadow');
    assert.deepEqual(
      open.ok ? 'opened' : open.reason.replace(outside, '<outside>'),
      'the file artifacts/shadow is a link to <outside>/secret, outside the store; Runlog does not follow it',
    );
    assert.equal(fingerprint(outside), before);
  });
});
