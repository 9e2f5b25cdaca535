// Fault injection: the editor renames and tags a run (Node, under run.json.lock) while its real Python writer keeps
// rewriting run.json (a tag, a metric and a flush per step). No edit of either side may be lost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { RunStore } from '../../../src/core/store/runStore';
import { tempStore } from '../../fixtures/runs';

const repo = resolve(__dirname, '../../..');
const PY_STEPS = 150;
const NODE_EDITS = 30;

const writer = `
import sys, runlog
run = runlog.start_run(name="from python", params={"big": 12345678901234567891})
print(run.id, flush=True)
sys.stdin.readline()  # wait until the editor starts editing
for i in range(${PY_STEPS}):
    run.set_tag("py%d" % i, str(i))
    run.log_metric("loss", 1.0 / (i + 1), step=i)
    run.flush()
run.end()
`;

describe('fault injection: editor edits while the Python writer rewrites run.json', () => {
  it('keeps every tag of both sides, the rename, and the writer’s numbers', async () => {
    const root = tempStore();
    const child = spawn('python3', ['-c', writer], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, PYTHONPATH: join(repo, 'src/python'), RUNLOG_STORE: root },
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const id = await new Promise<string>((done) =>
        createInterface({ input: child.stdout }).once('line', (line) => done(line.trim())),
      );
      const store = new RunStore(root, { lockTimeoutMs: 15_000 });
      child.stdin.write('go\n');
      // Every edit re-reads under the lock; they run concurrently with each other and with the writer.
      await Promise.all(
        Array.from({ length: NODE_EDITS }, (_, i) =>
          i % 10 === 9 ? store.rename(id, `renamed ${i}`) : store.setTags(id, { [`node${i}`]: String(i) }),
        ),
      );
      await store.rename(id, 'final name');
      assert.equal(await exited, 0, 'the writer ended normally');

      const entry = store.readEntry(id);
      assert.equal(entry.kind, 'run');
      const { doc } = entry as { doc: import('../../../src/core/store/types').RunDocument };
      const expectedTags = [
        ...Array.from({ length: PY_STEPS }, (_, i) => `py${i}`),
        ...Array.from({ length: NODE_EDITS }, (_, i) => i)
          .filter((i) => i % 10 !== 9)
          .map((i) => `node${i}`),
      ].sort();
      assert.deepEqual(Object.keys(doc.tags).sort(), expectedTags);
      assert.equal(doc.name, 'final name');
      assert.equal(doc.status, 'finished');
      assert.equal(doc.metrics.loss.count, PY_STEPS);
      assert.match(readFileSync(join(root, 'runs', id, 'run.json'), 'utf8'), /"big": 12345678901234567891/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
