import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffVersions } from '../../../src/core/datasets/diff';
import { csvRecords } from '../../../src/core/datasets/rowReader';
import { addRowSamples, type RowSample } from '../../../src/core/datasets/rowSample';
import { DatasetStore } from '../../../src/core/datasets/versionStore';

const repo = join(__dirname, '..', '..', '..');

async function records(chunks: string[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of csvRecords(chunks, ',')) out.push(r);
  return out;
}

describe('CSV records for row samples', () => {
  it('reads quoted fields with newlines, doubled quotes and CRLF, whatever the chunking', async () => {
    const text = 'id,text\r\n1,"a\nb, ""c"""\r\n\r\n2,plain\n3,"x"y\n4,""\n';
    const expected = [['id', 'text'], ['1', 'a\nb, "c"'], [], ['2', 'plain'], ['3', 'xy'], ['4', '']];
    assert.deepEqual(await records([text]), expected);
    assert.deepEqual(await records([...text]), expected); // one character per chunk
    assert.deepEqual(
      await records(['id,te', 'xt\r', '\n1,"a\nb, ""', 'c"""\r\n\r\n2,plain\n3,"x"y\n4,""']),
      expected,
    );
  });
});

describe('row samples of two versions of a tabular file', () => {
  let work: string;
  let store: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'runlog-rows-'));
    store = join(work, '.runlog');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** Writes a file and records its version with the real Python client; returns [path, digest]. */
  function version(name: string, content: string): [string, string] {
    const path = join(work, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    const out = execFileSync('python3', ['-m', 'runlog', 'dataset', 'version', path, '--store', store], {
      env: { ...process.env, PYTHONPATH: join(repo, 'src', 'python') },
      encoding: 'utf8',
    });
    return [path, (JSON.parse(out) as { digest: string }).digest];
  }

  async function sample(
    [pathA, a]: [string, string],
    [pathB, b]: [string, string],
    options: Parameters<typeof addRowSamples>[4] = {},
    roots = { a: [pathA], b: [pathB] },
  ): Promise<RowSample> {
    const ds = new DatasetStore(store);
    const [ra, rb] = [ds.readVersion(a), ds.readVersion(b)];
    const diff = await addRowSamples(diffVersions(ra, rb), ra, rb, roots, options);
    assert.equal(diff.tabular.length, 1);
    return diff.tabular[0].rows!;
  }

  const table = (rows: [number, string, string][]) =>
    'user_id,name,score\n' + rows.map((r) => r.join(',')).join('\n') + '\n';
  const base: [number, string, string][] = Array.from({ length: 30 }, (_, i) => [i, `n${i}`, String(i * 2)]);

  it('finds the key and samples added, removed and changed rows, bounded, with exact counts', async () => {
    const next = base
      .filter(([id]) => id % 10 !== 3) // 3 removed
      .map(([id, n, s]): [number, string, string] => (id % 5 === 0 ? [id, n, `${s}9`] : [id, n, s])) // 6 changed
      .concat(Array.from({ length: 4 }, (_, i): [number, string, string] => [100 + i, `new${i}`, '1'])); // 4 added
    const rows = await sample(version('a/t.csv', table(base)), version('b/t.csv', table(next)), { limit: 5 });
    assert.equal(rows.key, 'user_id');
    assert.equal(rows.keySource, 'found');
    assert.deepEqual(rows.counts, { added: 4, removed: 3, changed: 6, unchanged: 21, duplicateKeys: 0 });
    assert.deepEqual(
      rows.added.map((r) => r.key),
      ['100', '101', '102', '103'],
    );
    assert.deepEqual(
      rows.removed.map((r) => [r.key, r.values.name]),
      [
        ['3', 'n3'],
        ['13', 'n13'],
        ['23', 'n23'],
      ],
    );
    assert.equal(rows.changed.length, 5); // bounded by the limit; the count says 6
    assert.deepEqual(rows.changed[1], {
      key: '5',
      a: { user_id: '5', name: 'n5', score: '10' },
      b: { user_id: '5', name: 'n5', score: '109' },
      changed: ['score'],
    });
    assert.equal(rows.note, undefined);
  });

  it('uses a chosen key, and says when the chosen one is not a column of both', async () => {
    const a = version('a/t.csv', table(base));
    const b = version('b/t.csv', table(base.map(([id, n, s]) => [id, id === 7 ? 'renamed' : n, s])));
    const byName = await sample(a, b, { keys: { 't.csv': 'name' } });
    assert.equal(byName.keySource, 'chosen');
    assert.deepEqual(byName.counts, { added: 1, removed: 1, changed: 0, unchanged: 29, duplicateKeys: 0 });
    assert.deepEqual(byName.added[0].values, { user_id: '7', name: 'renamed', score: '14' });
    const wrong = await sample(a, b, { keys: { 't.csv': 'nope' } });
    assert.match(wrong.note!, /"nope" is not a column of both versions; choose one of: user_id, name, score/);
    assert.equal(wrong.counts, undefined);
  });

  it('explains why there is no sample: content gone or changed, no key, too many rows', async () => {
    const a = version('a/t.csv', table(base));
    const b = version('b/t.csv', table(base.slice(1)));
    assert.match((await sample(a, b, {}, { a: [], b: [b[0]] })).note!, /no path is recorded for version/);
    writeFileSync(a[0], table(base.slice(2)));
    assert.match(
      (await sample(a, b)).note!,
      /older version's content is not on disk: .*t\.csv has changed since/,
    );
    writeFileSync(a[0], table(base).replace('n1,', 'x1,')); // same size, other bytes: caught by the digest
    assert.match(
      (await sample(a, b)).note!,
      /no row sample: .*t\.csv has changed since the version was recorded/,
    );
    rmSync(a[0]);
    assert.match((await sample(a, b)).note!, /t\.csv is gone/);
    writeFileSync(a[0], table(base));
    assert.match(
      (await sample(a, b, { maxRows: 10 })).note!,
      /too large for a row sample: 30 rows \(at most 10\)/,
    );
    const noKey = await sample(version('c/t.csv', 'x,y\n1,a\n1,a\n'), version('d/t.csv', 'x,y\n1,a\n2,a\n'));
    assert.equal(noKey.key, undefined);
    assert.match(noKey.note!, /no key column found .*choose one/);
    assert.deepEqual(noKey.keyCandidates, ['x', 'y']);
  });

  it('samples JSON Lines rows by key, values as JSON text and null as empty', async () => {
    const rows = await sample(
      version('a/t.jsonl', '{"id": 1, "v": [1]}\n{"id": 2, "v": "x"}\nnot json\n'),
      version('b/t.jsonl', '{"id": 1, "v": [1, 2]}\n{"id": 3, "v": null}\n'),
    );
    assert.equal(rows.key, 'id');
    assert.deepEqual(rows.counts, { added: 1, removed: 1, changed: 1, unchanged: 0, duplicateKeys: 0 });
    assert.deepEqual(rows.changed[0], {
      key: '1',
      a: { id: '1', v: '[1]' },
      b: { id: '1', v: '[1,2]' },
      changed: ['v'],
    });
    assert.deepEqual(rows.added[0].values, { id: '3', v: '' });
    assert.deepEqual(rows.removed[0].values, { id: '2', v: 'x' });
  });

  it('reports duplicate keys and compares rows on the columns both versions have', async () => {
    const rows = await sample(
      version('a/t.csv', 'id,v,gone\n1,a,x\n1,b,x\n2,c,x\n'),
      version('b/t.csv', 'id,v\n1,a\n2,z\n'),
    );
    assert.equal(rows.key, 'id');
    assert.deepEqual(rows.counts, { added: 0, removed: 0, changed: 1, unchanged: 1, duplicateKeys: 1 });
    assert.deepEqual(rows.changed[0].changed, ['v']);
    assert.match(rows.note!, /"id" is not unique: 1 rows repeat a key/);
    assert.match(rows.note!, /compared on the 2 columns both versions have/);
    assert.deepEqual(rows.columns, ['id', 'v', 'gone']);
  });
});
