import assert from 'node:assert/strict';
import { diffVersions } from '../../../src/core/datasets/diff';
import { isFromDatasetDiffWebview, parseToDatasetDiffWebview } from '../../../webview/datasetDiff/contract';
import { folderVersion } from '../../fixtures/datasets';

const digest = `sha256:${'ab'.repeat(32)}`;

describe('datasetDiff page contract', () => {
  it('accepts the page messages, with digests as the only command arguments', () => {
    assert.ok(isFromDatasetDiffWebview({ type: 'ready' }));
    assert.ok(
      isFromDatasetDiffWebview({ type: 'runCommand', command: 'runlog.copyDatasetDigest', args: [digest] }),
    );
    assert.ok(
      isFromDatasetDiffWebview({
        type: 'runCommand',
        command: 'runlog.compareDatasetVersions',
        args: [digest, digest],
      }),
    );
    assert.ok(isFromDatasetDiffWebview({ type: 'chooseKey', path: 'data/t.csv', key: 'user_id' }));
  });

  it('drops anything else a compromised page could send', () => {
    for (const message of [
      null,
      'ready',
      { type: 'runCommand', command: 'workbench.action.terminal.sendSequence', args: [digest] },
      { type: 'runCommand', command: 'runlog.copyDatasetDigest', args: ['/etc/passwd'] },
      { type: 'runCommand', command: 'runlog.copyDatasetDigest', args: [digest, digest] },
      { type: 'runCommand', command: 'runlog.compareDatasetVersions', args: [digest] },
      {
        type: 'runCommand',
        command: 'runlog.compareDatasetVersions',
        args: [digest, { toString: () => digest }],
      },
      { type: 'chooseKey', path: 't.csv', key: '' },
      { type: 'chooseKey', path: 't.csv', key: 7 },
      { type: 'chooseKey', path: 'x'.repeat(5000), key: 'id' },
      { type: 'chooseKey', key: 'id' },
    ])
      assert.equal(isFromDatasetDiffWebview(message), false, JSON.stringify(message));
  });

  it('parses a diff and an error on the page side, and nothing malformed', () => {
    const record = folderVersion({ 'a.txt': 'a' });
    const view = { labelA: 'x', labelB: 'y', filesOmitted: 0, diff: diffVersions(record, record) };
    assert.deepEqual(parseToDatasetDiffWebview({ type: 'show', view }), { type: 'show', view });
    assert.deepEqual(parseToDatasetDiffWebview({ type: 'error', message: 'gone' }), {
      type: 'error',
      message: 'gone',
    });
    assert.equal(
      parseToDatasetDiffWebview({ type: 'show', view: { ...view, diff: { ...view.diff, files: 'x' } } }),
      undefined,
    );
    assert.equal(parseToDatasetDiffWebview({ type: 'show' }), undefined);
    assert.equal(parseToDatasetDiffWebview({ type: 'error', message: 3 }), undefined);
  });
});
