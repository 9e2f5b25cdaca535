import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffVersions } from '../../../src/core/datasets/diff';
import { sampleNote } from '../../../src/core/datasets/format';
import { DatasetStore } from '../../../src/core/datasets/versionStore';
import { keyCandidates } from '../../../src/core/datasets/rowSample';
import '../../../src/cli/commands'; // first: datasetsCommand is loaded through the command table
import { describeDiff } from '../../../src/cli/datasetsCommand';
import { csvProfile, folderVersion, numberColumn, saveVersion, uniform } from '../../fixtures/datasets';

// Large CSV/TSV files are profiled from a sample (docs/datasets.md, "Large files"): the profile says so in `sample`,
// and every diff of such a file says its statistics come from N of M rows.
describe('sampled dataset profiles', () => {
  let store: string;
  beforeEach(() => (store = mkdtempSync(join(tmpdir(), 'runlog-sampled-'))));
  afterEach(() => rmSync(store, { recursive: true, force: true }));

  const exact = folderVersion(
    { 'big.csv': 'v1' },
    { 'big.csv': csvProfile([numberColumn('x', uniform(0, 100))], 900) },
  );
  const sampledProfile = {
    ...csvProfile([numberColumn('x', uniform(50, 150))], 5_000_000),
    sample: { rows: 1_200_000, bytes: 201_326_592, method: 'blocks' as const },
  };
  const sampled = folderVersion({ 'big.csv': 'v2' }, { 'big.csv': sampledProfile });

  it('reads a sampled profile from the store and keeps its sample', () => {
    saveVersion(store, sampled);
    const read = new DatasetStore(store).readVersion(sampled.digest);
    assert.deepEqual(read.profiles['big.csv'].sample, {
      rows: 1_200_000,
      bytes: 201_326_592,
      method: 'blocks',
    });
    assert.equal(read.profiles['big.csv'].rows, 5_000_000);
  });

  it('diffs it with the sample noted and drift still measured', () => {
    const d = diffVersions(exact, sampled);
    const t = d.tabular[0];
    assert.equal(t.sampleA, undefined);
    assert.deepEqual(t.sampleB, sampledProfile.sample);
    assert.equal(
      sampleNote(t),
      'statistics of the newer version from a sample of 1,200,000 of 5,000,000 rows',
    );
    assert.ok(t.columns[0].psi! > 0.2, 'the shifted column is measured on the sampled quantiles');
    assert.deepEqual(
      d.drift.map((f) => f.column),
      ['x'],
    );
    const text = describeDiff(d);
    assert.match(
      text,
      /big\.csv: rows 900 → 5000000\n {2}statistics of the newer version from a sample of 1,200,000 of 5,000,000 rows\n/,
    );
  });

  it('finds a unique key column from the sampled rows', () => {
    const key = numberColumn('row', uniform(0, 100), { distinct: 1_200_000 });
    const sampledKey = { ...sampledProfile, columns: [numberColumn('x', uniform(0, 1)), key] };
    assert.equal(keyCandidates(sampledKey, sampledKey).found, 'row');
    const unsampled = { ...sampledKey, sample: undefined };
    assert.equal(keyCandidates(unsampled, unsampled).found, undefined, 'unique only in the sample');
  });

  it('names both sides when both were sampled, and nothing when both are exact', () => {
    const both = diffVersions(sampled, {
      ...sampled,
      digest: 'sha256:' + 'b'.repeat(64),
      manifest: exact.manifest,
    });
    assert.equal(
      sampleNote(both.tabular[0]),
      'statistics from a sample of 1,200,000 of 5,000,000 rows (older) and 1,200,000 of 5,000,000 rows (newer)',
    );
    const none = diffVersions(exact, {
      ...exact,
      digest: 'sha256:' + 'c'.repeat(64),
      manifest: sampled.manifest,
    });
    assert.equal(sampleNote(none.tabular[0]), undefined);
    assert.doesNotMatch(describeDiff(none), /sample/);
  });
});
