import assert from 'node:assert/strict';
import { DEFAULT_DRIFT_THRESHOLDS, diffVersions } from '../../../src/core/datasets/diff';
import type { VersionRecord } from '../../../src/core/datasets/types';
import { csvProfile, folderVersion, numberColumn, sha, stringColumn, uniform } from '../../fixtures/datasets';

describe('dataset version diff', () => {
  it('finds added, deleted, modified and renamed files, and counts the unchanged', () => {
    const a = folderVersion({
      'keep.txt': 'same',
      'old/name.bin': 'moved',
      'gone.txt': 'bye',
      'edit.txt': 'v1',
    });
    const b = folderVersion({
      'keep.txt': 'same',
      'new/name.bin': 'moved',
      'fresh.txt': 'hi',
      'edit.txt': 'v2!',
    });
    const d = diffVersions(a, b);
    assert.equal(d.identical, false);
    assert.deepEqual(d.counts, { added: 1, deleted: 1, modified: 1, renamed: 1, unchanged: 1 });
    assert.deepEqual(
      d.files.map((f) => [f.status, f.path, f.from]),
      [
        ['modified', 'edit.txt', undefined],
        ['added', 'fresh.txt', undefined],
        ['deleted', 'gone.txt', undefined],
        ['renamed', 'new/name.bin', 'old/name.bin'],
      ],
    );
    assert.deepEqual(d.files[0], { status: 'modified', path: 'edit.txt', sizeA: 2, sizeB: 3 });
  });

  it('pairs duplicate contents one to one when renaming', () => {
    const a = folderVersion({ 'a1.txt': 'dup', 'a2.txt': 'dup' });
    const b = folderVersion({ 'b1.txt': 'dup', 'a2.txt': 'dup', 'b2.txt': 'dup' });
    const d = diffVersions(a, b);
    assert.deepEqual(d.counts, { added: 1, deleted: 0, modified: 0, renamed: 1, unchanged: 1 });
  });

  it('says when two versions are identical', () => {
    const a = folderVersion({ 'x.txt': 'x' });
    const d = diffVersions(a, a);
    assert.equal(d.identical, true);
    assert.deepEqual(d.files, []);
    assert.equal(d.counts.unchanged, 1);
  });

  it('compares a file dataset with its next version under another name', () => {
    const file = (name: string, content: string): VersionRecord => ({
      ...folderVersion({ [name]: content }),
      kind: 'file',
      digest: `sha256:${sha(content)}`,
    });
    const d = diffVersions(file('v1.csv', 'a'), file('v2.csv', 'b'));
    assert.deepEqual(d.files, [{ status: 'modified', path: 'v2.csv', sizeA: 1, sizeB: 1 }]);
  });

  it('diffs the profiles of a modified tabular file and flags drift at the top, the worst first', () => {
    const a = folderVersion(
      { 't.csv': 'v1' },
      {
        't.csv': csvProfile(
          [
            numberColumn('steady', uniform(0, 100)),
            numberColumn('shifted', uniform(0, 100)),
            stringColumn('label', [
              ['x', 60],
              ['y', 40],
            ]),
            numberColumn('gone', uniform(0, 1)),
            numberColumn('code', uniform(0, 9)),
            numberColumn('sparse', uniform(0, 1)),
          ],
          100,
        ),
      },
    );
    const b = folderVersion(
      { 't.csv': 'v2' },
      {
        't.csv': csvProfile(
          [
            numberColumn('steady', uniform(0, 100)),
            numberColumn('shifted', uniform(10, 110)),
            stringColumn('label', [
              ['x', 30],
              ['y', 50],
              ['z', 20],
            ]),
            stringColumn('code', [['A1', 100]]),
            numberColumn('sparse', uniform(0, 1), { count: 80, nulls: 20 }),
            numberColumn('added', uniform(0, 1)),
          ],
          120,
        ),
      },
    );
    const d = diffVersions(a, b);
    assert.equal(d.tabular.length, 1);
    const t = d.tabular[0];
    assert.deepEqual([t.rowsA, t.rowsB], [100, 120]);
    assert.deepEqual(t.columnsAdded, ['added']);
    assert.deepEqual(t.columnsRemoved, ['gone']);
    assert.deepEqual(t.retyped, [{ name: 'code', from: 'number', to: 'string' }]);
    const col = (name: string) => t.columns.find((c) => c.name === name)!;
    assert.equal(col('steady').flags.length, 0);
    assert.ok(Math.abs(col('shifted').ks! - 0.1) < 1e-9);
    assert.ok(Math.abs(col('shifted').psi! - 0.759399) < 1e-6);
    assert.ok(Math.abs(col('label').shareDistance! - 0.3) < 1e-9);
    // retyped first (always over), then by how far over its threshold: shares 0.3/0.1, sparse nulls 0.2/0.05, PSI 0.76/0.2
    assert.deepEqual(
      d.drift.map((f) => f.column),
      ['code', 'sparse', 'shifted', 'label'],
    );
    assert.match(d.drift.find((f) => f.column === 'shifted')!.reasons.join(), /PSI 0\.759 > 0\.2/);
    assert.deepEqual(d.thresholds, DEFAULT_DRIFT_THRESHOLDS);
  });

  it('honours configured thresholds', () => {
    const a = folderVersion({ 't.csv': '1' }, { 't.csv': csvProfile([numberColumn('v', uniform(0, 100))]) });
    const b = folderVersion({ 't.csv': '2' }, { 't.csv': csvProfile([numberColumn('v', uniform(10, 110))]) });
    assert.equal(diffVersions(a, b, { psi: 1, ks: 0.5, shares: 1, nulls: 1 }).drift.length, 0);
    assert.deepEqual(diffVersions(a, b, { psi: 1, ks: 0.05, shares: 1, nulls: 1 }).drift[0].reasons, [
      'KS 0.100 > 0.05',
    ]);
  });
});
