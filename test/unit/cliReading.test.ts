import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { commands, invocationFolder } from '../../src/cli/commands';
import { RunIndex } from '../../src/core/store/runIndex';
import { RunStore } from '../../src/core/store/runStore';
import { series, storeParent, tempFolder, tempStore, writeRun } from '../fixtures/runs';

async function run(name: string, args: string[], options: Record<string, unknown>): Promise<string> {
  let text = '';
  const code = await commands[name](args, options, { write: (chunk: string) => (text += chunk) });
  assert.equal(code, 0);
  return text;
}

/** Every entry under `dir` with its kind, size, mtime and content hash: any write shows up as a difference. */
function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (path: string) => {
    const info = lstatSync(path);
    if (info.isSymbolicLink()) result[path] = `link ${readlinkSync(path)} ${info.mtimeMs}`;
    else if (info.isDirectory()) {
      result[path] = `dir ${info.mtimeMs}`;
      for (const name of readdirSync(path)) walk(join(path, name));
    } else {
      const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
      result[path] = `file ${info.size} ${info.mtimeMs} ${hash}`;
    }
  };
  walk(dir);
  return result;
}

describe('the runlog CLI reads without writing', () => {
  const store = tempStore();
  const outside = tempFolder('runlog-outside-');
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  writeRun(
    store,
    {
      name: 'killed',
      status: 'running',
      endTime: null,
      startTime: '2026-11-05T10:00:00.000Z',
      heartbeatAt: new Date().toISOString(),
      capture: { pid: dead, host: hostname(), command: ['python', 'train.py'] },
    },
    series('=cmd|/C calc', [-0.5, 2]),
  );
  const odd = writeRun(store, { name: 'odd', startTime: '2026-11-04T10:00:00.000Z' });
  const oddFile = join(store, 'runs', odd.id, 'run.json');
  const oddDoc = JSON.parse(readFileSync(oddFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    oddFile,
    '\uFEFF' +
      JSON.stringify({
        ...oddDoc,
        metrics: { loss: null },
        tags: { epoch: 3 },
        capture: { command: 'python odd.py' },
        datasets: [null, { name: 'd', digest: 5 }],
      }),
  );
  writeFileSync(join(store, 'runs', 'README.txt'), 'not a run');
  // A run folder that is a link out of the store, holding a document that would otherwise read as running.
  const escaped = writeRun(outside, { name: 'escaped', startTime: '2026-11-03T10:00:00.000Z' });
  symlinkSync(join(outside, 'runs', escaped.id), join(store, 'runs', escaped.id));

  it('ls, show and export change no file, in the store or outside it', async () => {
    const before = { ...snapshot(storeParent(store)), ...snapshot(outside) };
    await run('ls', [], { store });
    await run('ls', [], { store, json: true });
    await run('show', ['killed'], { store });
    await run('show', ['odd'], { store, json: true });
    await run('export', ['killed'], { store, format: 'csv' });
    await run('export', ['killed'], { store, format: 'json' });
    const index = new RunIndex(new RunStore(store));
    await index.load();
    index.dispose();
    assert.deepEqual({ ...snapshot(storeParent(store)), ...snapshot(outside) }, before);
  });

  it('lists past a stray file and a run folder linked out of the store, saying why', async () => {
    const runs = JSON.parse(await run('ls', [], { store, json: true })) as Array<Record<string, unknown>>;
    assert.deepEqual(
      runs.map((r) => r.name ?? r.unreadable),
      [
        'killed',
        'odd',
        `the run folder ${escaped.id} is a link to ${join(outside, 'runs', escaped.id)}, outside the store; Runlog does not follow it`,
      ],
    );
  });

  it('show and export report a killed run as crashed', async () => {
    const text = await run('show', ['killed'], { store });
    assert.match(
      text,
      new RegExp(`status {6}crashed \\(process ${dead} is gone; run.json still says running\\)`),
    );
    const exported = JSON.parse(await run('export', ['killed'], { store, format: 'json' })) as {
      run: { status: string; error: { message: string } };
    };
    assert.equal(exported.run.status, 'crashed');
    assert.match(exported.run.error.message, /died without closing/);
    const listed = JSON.parse(await run('ls', [], { store, json: true })) as Array<{ status?: string }>;
    assert.equal(listed[0].status, 'crashed');
  });

  it('shows an odd document corrected, and lists what it corrected', async () => {
    const text = await run('show', ['odd'], { store });
    assert.match(text, /command {5}python odd\.py/);
    assert.match(text, /epoch\s+3/);
    assert.match(text, /read with problems/);
    assert.match(text, /metrics\.loss\s+is null, not a metric summary; skipped/);
    assert.match(text, /datasets\[0\]\s+is null, not an object; skipped/);
  });

  it('neutralises formula-looking CSV cells and leaves numbers as they are', async () => {
    const csv = await run('export', ['killed'], { store, format: 'csv' });
    assert.deepEqual(csv.trimEnd().split('\n'), [
      'key,step,value,time',
      `"'=cmd|/C calc",0,-0.5,1763762295`,
      `"'=cmd|/C calc",1,2,1763762296`,
    ]);
  });

  it('writes an export to a file relative to the folder it was run from', async () => {
    const folder = tempFolder();
    await run('export', ['killed'], { store, format: 'csv', output: 'out.csv', cwd: folder });
    assert.match(readFileSync(join(folder, 'out.csv'), 'utf8'), /^key,step,value,time\n"'=cmd/);
  });

  it('finds the store of the folder it is run from, also under npx (INIT_CWD)', async () => {
    const project = storeParent(store);
    const nested = join(project, 'src', 'models');
    mkdirSync(nested, { recursive: true });
    assert.match(await run('ls', [], { cwd: nested }), /killed/);
    assert.equal(invocationFolder({ INIT_CWD: nested }), nested);
    assert.equal(invocationFolder({ INIT_CWD: '' }), process.cwd());
    assert.equal(invocationFolder({}), process.cwd());
    assert.match(await run('ls', [], { cwd: project, store: '.runlog' }), /killed/);
  });
});
