// Fault injection: a writer killed (SIGKILL) while it holds run.json.lock. The next edit must not wait for the
// lock to go stale (10 s): the owner is gone, so the lock is broken at once, and the edit lands.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RunStore } from '../../../src/core/store/runStore';
import { tempStore, writeRun } from '../../fixtures/runs';

const repo = resolve(__dirname, '../../..');

/** Starts a child that takes the lock and never releases it; resolves once the lock file holds its owner. */
async function holdLock(command: string, args: string[], lockFile: string, env = {}): Promise<ChildProcess> {
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) done();
    });
    child.once('exit', (code) => fail(new Error(`lock holder exited early (${code})`)));
  });
  assert.match(readFileSync(lockFile, 'utf8'), new RegExp(`"pid": ?${child.pid}`));
  return child;
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

describe('fault injection: a stale lock left by a killed writer', () => {
  let child: ChildProcess | undefined;
  afterEach(() => child?.kill('SIGKILL'));

  it('breaks the lock of a killed Node writer at once, and the edit lands', async () => {
    const root = tempStore();
    const doc = writeRun(root);
    const lock = join(root, 'runs', doc.id, 'run.json.lock');
    const script = `require(${JSON.stringify(join(repo, 'src/core/store/lock.ts'))})
      .withLock(process.argv[1], () => { process.stdout.write('held\\n'); return new Promise(() => {}); });`;
    child = await holdLock(process.execPath, ['--require', 'tsx/cjs', '-e', script, lock], lock);
    await kill9(child);
    assert.ok(existsSync(lock), 'the killed writer left its lock behind');
    // No waiting allowed (a fresh lock of a live owner would fail at once): only breaking the orphan lets it through.
    const renamed = await new RunStore(root, { lockTimeoutMs: 0 }).rename(doc.id, 'after the kill');
    assert.equal(renamed.name, 'after the kill');
    assert.equal(existsSync(lock), false);
  });

  it('breaks the lock of a killed Python writer at once (the lock format is shared)', async () => {
    const root = tempStore();
    const doc = writeRun(root);
    const lock = join(root, 'runs', doc.id, 'run.json.lock');
    const script = `import sys, time\nfrom runlog import _lock\nassert _lock.acquire_lock(sys.argv[1])\nprint("held", flush=True)\ntime.sleep(600)`;
    child = await holdLock('python3', ['-c', script, lock], lock, { PYTHONPATH: join(repo, 'src/python') });
    await kill9(child);
    const store = new RunStore(root, { lockTimeoutMs: 0 });
    const tagged = await store.setTags(doc.id, { survived: 'yes' });
    assert.equal(tagged.tags.survived, 'yes');
    assert.equal(existsSync(lock), false);
  });
});
