import assert from 'node:assert/strict';
import { diffDocuments } from '../../../src/core/store/documentDiff';
import { isFromDetailsWebview, parseToDetailsWebview } from '../../../webview/details/contract';
import { makeRunDocument } from '../../fixtures/runs';

describe('details page contract', () => {
  it('lets through only the messages the page may send', () => {
    assert.ok(isFromDetailsWebview({ type: 'ready' }));
    assert.ok(isFromDetailsWebview({ type: 'runCommand', command: 'runlog.tagRun' }));
    assert.ok(isFromDetailsWebview({ type: 'openFile', relativePath: 'artifacts/model.pt' }));
    for (const bad of [
      null,
      'ready',
      [],
      { type: 'runCommand', command: 'workbench.action.terminal.sendSequence' },
      { type: 'runCommand', command: 'runlog.deleteRun\u0000' },
      { type: 'openFile', relativePath: '' },
      { type: 'openFile', relativePath: 42 },
      { type: 'openFile', relativePath: 'x'.repeat(5000) },
      { type: '__proto__' },
      { type: 'setRun' },
    ])
      assert.equal(isFromDetailsWebview(bad), false, JSON.stringify(bad));
  });

  it('parses only well-formed messages from the extension on the page side', () => {
    const run = makeRunDocument();
    assert.ok(
      parseToDetailsWebview({
        type: 'setRun',
        view: { run, duration: '1s', primaryMetric: undefined },
        points: {},
        output: '',
        outputTruncated: false,
      }),
    );
    assert.ok(parseToDetailsWebview({ type: 'appendOutput', text: 'x' }));
    for (const bad of [
      { type: 'setRun', view: { run: {}, duration: '1s' }, points: {}, output: '', outputTruncated: false },
      { type: 'setRun', view: { run, duration: 1 }, points: {}, output: '', outputTruncated: false },
      { type: 'appendPoints', points: { loss: 'x' } },
      { type: 'appendOutput', text: null },
      { type: 'updateRun', view: { run } },
    ])
      assert.equal(parseToDetailsWebview(bad), undefined, JSON.stringify(bad));
  });
});

describe('diffDocuments (what a live update sends)', () => {
  it('sends only the fields that changed: a heartbeat is a heartbeat, not the document', () => {
    const before = makeRunDocument({ status: 'running' });
    const after = { ...before, heartbeatAt: '2030-01-01T00:00:00.000Z' };
    assert.deepEqual(diffDocuments(before, after), {
      changed: { heartbeatAt: '2030-01-01T00:00:00.000Z' },
      removed: [],
    });
    assert.equal(diffDocuments(before, { ...before, params: { ...before.params } }), undefined);
    const withoutError: Partial<typeof before> = { ...before };
    delete withoutError.error;
    assert.deepEqual(diffDocuments(before, withoutError as typeof before), {
      changed: {},
      removed: ['error'],
    });
  });
});
