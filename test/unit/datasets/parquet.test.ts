import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { diffVersions } from '../../../src/core/datasets/diff';
import { addParquetProfiles } from '../../../src/core/datasets/parquetAttach';
import { profileParquet } from '../../../src/core/datasets/parquetProfile';
import { DatasetStore } from '../../../src/core/datasets/versionStore';

const repo = join(__dirname, '..', '..', '..');

function writeParquet(path: string, rows: number, shift: number): void {
  parquetWriteFile({
    filename: path,
    columnData: [
      { name: 'id', data: Int32Array.from({ length: rows }, (_, i) => i), type: 'INT32' },
      {
        name: 'value',
        data: Float64Array.from({ length: rows }, (_, i) => (i % 100) + shift),
        type: 'DOUBLE',
      },
      {
        name: 'label',
        data: Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? null : 'abc'[i % 3])),
        type: 'STRING',
      },
      { name: 'flag', data: Array.from({ length: rows }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
    ],
  });
}

/** Versions `path` with the real Python client (src/python), as Track Dataset… and the CLI do. */
function version(path: string, store: string): string {
  const out = execFileSync('python3', ['-m', 'runlog', 'dataset', 'version', path, '--store', store], {
    env: { ...process.env, PYTHONPATH: join(repo, 'src', 'python') },
    encoding: 'utf8',
  });
  return (JSON.parse(out) as { digest: string }).digest;
}

describe('Parquet profiles (hyparquet)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlog-parquet-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('profiles a Parquet file into the same profile schema as the client’s CSV profiles', async () => {
    const file = join(dir, 'one.parquet');
    writeParquet(file, 1000, 0);
    const profile = await profileParquet(file);
    assert.equal(profile.format, 'parquet');
    assert.equal(profile.rows, 1000);
    const [id, value, label, flag] = profile.columns;
    assert.deepEqual(
      [id.name, id.type, id.integer, id.min, id.max, id.mean],
      ['id', 'number', true, 0, 999, 499.5],
    );
    assert.equal(id.quantiles?.length, 101);
    assert.equal(id.quantiles?.[50], 499.5);
    assert.deepEqual([id.distinct, id.distinctExact], [1000, true]);
    assert.deepEqual([value.min, value.max, value.distinct], [0, 99, 100]);
    assert.deepEqual([label.type, label.nulls, label.count, label.distinct], ['string', 100, 900, 3]);
    assert.deepEqual(
      [flag.type, flag.top],
      [
        'boolean',
        [
          ['false', 500],
          ['true', 500],
        ],
      ],
    );
  });

  it('adds Parquet profiles to versions the client recorded, so their diff shows drift', async () => {
    const store = join(dir, '.runlog');
    const data = join(dir, 'data');
    mkdirSync(data);
    writeParquet(join(data, 't.parquet'), 2000, 0);
    const a = version(data, store);
    const datasets = new DatasetStore(store);
    assert.deepEqual(datasets.readVersion(a).profiles, {});
    assert.deepEqual(await addParquetProfiles(datasets, a, data), []);
    assert.equal(datasets.readVersion(a).profiles['t.parquet'].rows, 2000);
    writeParquet(join(data, 't.parquet'), 2000, 30);
    const b = version(data, store);
    await addParquetProfiles(datasets, b, data);
    const diff = diffVersions(datasets.readVersion(a), datasets.readVersion(b));
    assert.deepEqual(
      diff.drift.map((f) => f.column),
      ['value'],
    );
    // the data changed after version a was recorded: a's record is not touched again, and says nothing wrong
    assert.deepEqual(await addParquetProfiles(datasets, a, data), []);
  });

  it('does not profile a file whose bytes no longer match the version', async () => {
    const store = join(dir, 'store2');
    const data = join(dir, 'data2');
    mkdirSync(data);
    writeParquet(join(data, 't.parquet'), 10, 0);
    const a = version(data, store);
    writeParquet(join(data, 't.parquet'), 20, 0);
    const problems = await addParquetProfiles(new DatasetStore(store), a, data);
    assert.deepEqual(problems, [
      { path: 't.parquet', problem: 'changed since it was versioned, not profiled' },
    ]);
  });
});
