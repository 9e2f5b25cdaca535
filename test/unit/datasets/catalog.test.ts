import assert from 'node:assert/strict';
import { rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildCatalog } from '../../../src/core/datasets/catalog';
import { resolveVersionReference } from '../../../src/core/datasets/references';
import { DatasetStore, VersionUnavailableError } from '../../../src/core/datasets/versionStore';
import type { DatasetRecord } from '../../../src/core/store/types';
import { folderVersion, saveVersion, sha } from '../../fixtures/datasets';
import { makeRunDocument, tempStore } from '../../fixtures/runs';

const used = (
  name: string,
  content: string,
  role: DatasetRecord['role'],
  loggedAt: string,
): DatasetRecord => ({
  name,
  path: `/data/${name}`,
  role,
  digest: sha(content),
  size: content.length,
  files: 1,
  loggedAt,
});

describe('dataset catalog and references', () => {
  const stores: string[] = [];
  after(() => stores.forEach((s) => rmSync(dirname(s), { recursive: true, force: true })));

  const v1 = used('train', 'one', 'train', '2026-11-01T10:00:00.000Z');
  const v2 = used('train', 'two', 'train', '2026-11-02T10:00:00.000Z');
  const first = makeRunDocument({ name: 'first', startTime: '2026-11-01T10:00:00.000Z', datasets: [v1] });
  const second = makeRunDocument({
    name: 'second',
    startTime: '2026-11-02T10:00:00.000Z',
    datasets: [v2, { ...used('preds', 'p', 'output', '2026-11-02T11:00:00.000Z') }],
  });
  const third = makeRunDocument({
    name: 'third',
    startTime: '2026-11-03T10:00:00.000Z',
    datasets: [{ ...v2, role: 'eval' }],
  });

  it('lists datasets by name with versions newest first and the runs that used each', () => {
    const catalog = buildCatalog(
      [third, second, first],
      [
        {
          name: 'train',
          path: '/data/train',
          digest: `sha256:${sha('three')}`,
          size: 5,
          files: 1,
          at: '2026-11-04T00:00:00.000Z',
        },
      ],
    );
    assert.deepEqual(
      catalog.map((d) => d.name),
      ['preds', 'train'],
    );
    const train = catalog[1];
    assert.deepEqual(
      train.versions.map((v) => [
        v.digest.slice(7, 15),
        v.tracked,
        v.runs.map((r) => `${r.runName}/${r.role}`),
      ]),
      [
        [sha('three').slice(0, 8), true, []],
        [sha('two').slice(0, 8), false, ['second/train', 'third/eval']],
        [sha('one').slice(0, 8), false, ['first/train']],
      ],
    );
    assert.equal(train.versions[1].firstSeen, '2026-11-02T10:00:00.000Z');
  });

  it('resolves digests, unique prefixes and <run>:<name>, and explains what does not resolve', async () => {
    const context = {
      knownDigests: [sha('one'), sha('two'), 'abcdef0011', 'abcdef0022'],
      resolveRun: (ref: string) => Promise.resolve([first, second, third].filter((r) => r.name === ref)),
    };
    assert.equal(await resolveVersionReference(sha('one'), context), `sha256:${sha('one')}`);
    assert.equal(
      await resolveVersionReference(`sha256:${sha('two').slice(0, 8)}`, context),
      `sha256:${sha('two')}`,
    );
    assert.equal(await resolveVersionReference('second:train', context), `sha256:${sha('two')}`);
    await assert.rejects(resolveVersionReference('abcdef00', context), /ambiguous.*give more digits/);
    await assert.rejects(resolveVersionReference('1234567', context), /not a version/);
    await assert.rejects(
      resolveVersionReference('ffffffff', context),
      /no dataset version starts with ffffffff/,
    );
    await assert.rejects(
      resolveVersionReference('second:nope', context),
      /logged no dataset named "nope"; it logged: train, preds/,
    );
    await assert.rejects(resolveVersionReference('nobody:train', context), /no run matches "nobody"/);
  });

  it('reads version records, and says what to do with a missing or corrupt one', () => {
    const root = tempStore();
    stores.push(root);
    const store = new DatasetStore(root);
    const record = folderVersion({ 'a.txt': 'a' });
    saveVersion(root, record);
    assert.deepEqual(store.listVersionDigests(), [record.digest.slice(7)]);
    assert.deepEqual(store.readVersion(record.digest), record);
    assert.throws(
      () => store.readVersion(sha('nope')),
      (e: Error) => e instanceof VersionUnavailableError && /log the dataset again/.test(e.message),
    );
    const corrupt = folderVersion({ 'b.txt': 'b' });
    mkdirSync(join(root, 'datasets', 'sha256'), { recursive: true });
    writeFileSync(store.recordPath(corrupt.digest), '{"schema": 1, "digest": "sha256:00"');
    assert.throws(() => store.readVersion(corrupt.digest), /not valid JSON/);
    writeFileSync(store.recordPath(corrupt.digest), JSON.stringify({ ...corrupt, digest: record.digest }));
    assert.throws(() => store.readVersion(corrupt.digest), /does not match its file name/);
  });

  it('reads the Track Dataset… log, skipping a torn line', () => {
    const root = tempStore();
    stores.push(root);
    mkdirSync(join(root, 'datasets'), { recursive: true });
    const line = {
      name: 'x',
      path: '/x',
      digest: `sha256:${sha('x')}`,
      size: 1,
      files: 1,
      at: '2026-11-01T00:00:00Z',
    };
    writeFileSync(join(root, 'datasets', 'tracked.jsonl'), `${JSON.stringify(line)}\n{"name": "y", "pa`);
    assert.deepEqual(new DatasetStore(root).readTracked(), [line]);
  });
});
