import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commands } from '../../../src/cli/commands';
import { tempStore } from '../../fixtures/runs';

const repo = join(__dirname, '..', '..', '..');

async function run(args: string[], options: Record<string, unknown>): Promise<string> {
  let text = '';
  const code = await commands.datasets(args, options, { write: (chunk: string) => (text += chunk) });
  assert.equal(code, 0);
  return text;
}

/** Logs `data` as dataset "train" from a run of the real Python client (src/python). */
function logRun(store: string, name: string, data: string): void {
  execFileSync(
    'python3',
    [
      '-c',
      `import runlog\nwith runlog.start_run(name=${JSON.stringify(name)}):\n    runlog.log_dataset(${JSON.stringify(data)}, name="train", role="train")`,
    ],
    { env: { ...process.env, PYTHONPATH: join(repo, 'src', 'python'), RUNLOG_STORE: store } },
  );
}

describe('runlog datasets (with the real Python client)', () => {
  const store = tempStore();
  const data = join(dirname(store), 'data');
  after(() => rmSync(dirname(store), { recursive: true, force: true }));

  before(() => {
    mkdirSync(data);
    const rows = (n: number, shift: number) =>
      'id,x,label\n' +
      Array.from({ length: n }, (_, i) => `${i},${(i % 100) + shift},${'ab'[i % 2]}`).join('\n') +
      '\n';
    writeFileSync(join(data, 'train.csv'), rows(1000, 0));
    writeFileSync(join(data, 'notes.txt'), 'v1');
    logRun(store, 'first', data);
    writeFileSync(join(data, 'train.csv'), rows(1200, 30));
    writeFileSync(join(data, 'added.txt'), 'new');
    logRun(store, 'second', data);
  });

  it('lists the versions of a dataset with the runs that used them', async () => {
    const lines = (await run(['ls'], { store })).trimEnd().split('\n');
    assert.match(lines[0], /^NAME\s+VERSION\s+FIRST SEEN\s+SIZE\s+FILES\s+RUNS$/);
    assert.match(lines[1], /^train\s+[0-9a-f]{12}\s+.*\s+3\s+second$/);
    assert.match(lines[2], /^train\s+[0-9a-f]{12}\s+.*\s+2\s+first$/);
    const json = JSON.parse(await run(['ls'], { store, json: true })) as {
      name: string;
      versions: unknown[];
    }[];
    assert.deepEqual(
      json.map((d) => [d.name, d.versions.length]),
      [['train', 2]],
    );
  });

  it('diffs two versions named by run, after the data changed, with drift first', async () => {
    const text = await run(['diff', 'first:train', 'second:train'], { store });
    assert.match(text, /files {2}2 → 3: 1 added, 0 deleted, 1 modified, 0 renamed, 1 unchanged/);
    assert.match(text, /drift\n {2}train\.csv x: PSI [\d.]+ > 0\.2; KS 0\.3\d* > 0\.1/);
    assert.match(text, /train\.csv: rows 1000 → 1200/);
    assert.ok(text.indexOf('drift') < text.indexOf('files\n'));
  });

  it('diffs a recorded version against a path (versioned first) as JSON', async () => {
    const ls = JSON.parse(await run(['ls'], { store, json: true })) as { versions: { digest: string }[] }[];
    const newest = ls[0].versions[0].digest;
    const diff = JSON.parse(await run(['diff', newest.slice(7, 17), data], { store, json: true })) as {
      identical: boolean;
    };
    assert.equal(diff.identical, true);
  });

  it('says why the first version has no row sample once its data was regenerated', async () => {
    const text = await run(['diff', 'first:train', 'second:train'], { store });
    assert.match(
      text,
      /rows: no row sample: the older version's content is not on disk: .*train\.csv has changed since/,
    );
    const json = JSON.parse(await run(['diff', 'first:train', 'second:train'], { store, json: true })) as {
      tabular: { rows: { key: string; note: string } }[];
    };
    assert.equal(json.tabular[0].rows.key, 'id');
  });

  it('samples added, removed and changed rows of two versions still on disk, by a found or chosen key', async () => {
    const [one, two] = [join(dirname(store), 'v1.csv'), join(dirname(store), 'v2.csv')];
    writeFileSync(one, 'id,x,label\n1,10,a\n2,20,b\n3,30,"multi\nline"\n');
    writeFileSync(two, 'id,x,label\n1,10,a\n2,25,b\n4,40,d\n');
    const text = await run(['diff', one, two], { store });
    assert.match(text, /rows by id \(found\): 1 added, 1 removed, 1 changed, 1 unchanged/);
    assert.match(text, /\+ +4 +40 +d/);
    assert.match(text, /- +3 +30 +multi↵line/);
    assert.match(text, /~ +2 +20 → 25 +b/);
    const json = JSON.parse(await run(['diff', one, two], { store, json: true, key: 'label' })) as {
      tabular: { rows: { key: string; keySource: string; counts: Record<string, number> } }[];
    };
    assert.deepEqual(
      [json.tabular[0].rows.key, json.tabular[0].rows.keySource, json.tabular[0].rows.counts.changed],
      ['label', 'chosen', 1],
    );
    await assert.rejects(
      run(['diff', one, join(dirname(store), 'data', 'notes.txt')], { store, key: 'id' }),
      /--key applies to tabular files/,
    );
  });

  it('refuses references that name no single version', async () => {
    await assert.rejects(run(['diff', 'first:train', 'nobody:train'], { store }), /no run matches "nobody"/);
    await assert.rejects(run(['diff', 'first:train'], { store }), /needs two versions/);
  });
});
