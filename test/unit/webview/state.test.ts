import assert from 'node:assert/strict';
import type { RunDetailsView, ToDetailsWebview } from '../../../webview/details/contract';
import { applyMessage, createModel, isRunRelativePath, metricNames } from '../../../webview/details/state';
import { makeRunDocument } from '../../fixtures/runs';

function view(overrides: Partial<RunDetailsView['run']> = {}, primaryMetric?: string): RunDetailsView {
  return { run: makeRunDocument({ status: 'running', ...overrides }), duration: '12s', primaryMetric };
}

function setRun(
  points: Record<string, [number, number | string, number][]> = {},
  output = '',
): ToDetailsWebview {
  return { type: 'setRun', view: view(), points, output, outputTruncated: false };
}

describe('webview details state', () => {
  it('ignores live updates until the first setRun, and anything malformed', () => {
    const model = createModel();
    assert.equal(applyMessage(model, { type: 'appendPoints', points: { loss: [[0, 1, 0]] } }).kind, 'none');
    assert.equal(applyMessage(model, { type: 'appendOutput', text: 'x' }).kind, 'none');
    assert.equal(
      applyMessage(model, {
        type: 'patchRun',
        changed: {},
        removed: [],
        duration: '',
        primaryMetric: undefined,
      }).kind,
      'none',
    );
    for (const bad of [
      null,
      'setRun',
      42,
      {},
      { type: 'nope' },
      { type: 'setRun' },
      { type: 'setRun', view: { run: {} } },
    ]) {
      assert.equal(applyMessage(model, bad).kind, 'none', JSON.stringify(bad));
    }
    assert.equal(model.view, undefined);
    assert.equal(model.series.size, 0);
  });

  it('takes everything from setRun and starts over on the next one', () => {
    const model = createModel();
    const change = applyMessage(
      model,
      setRun(
        {
          loss: [
            [0, 2, 0],
            [1, 'NaN', 1],
            [2, 'bad', 2],
          ],
        },
        'hello\nwor',
      ),
    );
    assert.deepEqual(change, { kind: 'reset' });
    assert.equal(model.series.get('loss')?.count, 2);
    assert.equal(model.malformedPoints, 1);
    assert.equal(model.output.text, 'hello\nwor');
    applyMessage(model, setRun({}, ''));
    assert.equal(model.series.size, 0);
    assert.equal(model.output.text, '');
    assert.equal(model.malformedPoints, 0);
  });

  it('appends points and reports which metrics are new', () => {
    const model = createModel();
    applyMessage(model, setRun({ loss: [[0, 2, 0]] }));
    const change = applyMessage(model, {
      type: 'appendPoints',
      points: { loss: [[1, 1.5, 1]], acc: [[1, 0.5, 1]], empty: [] },
    });
    assert.deepEqual(change, { kind: 'points', metrics: ['loss', 'acc'], newMetrics: ['acc'] });
    assert.equal(model.series.get('loss')?.count, 2);
    assert.equal(applyMessage(model, { type: 'appendPoints', points: { loss: [['x']] } }).kind, 'none');
    // Outside the contract: rejected whole, nothing applied.
    const outside = { type: 'appendPoints', points: { loss: [[2, 1, 2]], junk: 'x' } };
    assert.equal(applyMessage(model, outside).kind, 'none');
    assert.equal(model.series.get('loss')?.count, 2);
  });

  it('appends output and applies patches of the document', () => {
    const model = createModel();
    applyMessage(model, setRun({}, 'a'));
    assert.deepEqual(applyMessage(model, { type: 'appendOutput', text: 'b\nc' }), { kind: 'output' });
    assert.equal(model.output.text, 'ab\nc');
    const summary = { last: 1, min: 1, max: 1, count: 1, step: 0, time: 0 };
    const before = model.view?.run;
    const change = applyMessage(model, {
      type: 'patchRun',
      changed: { name: 'renamed', status: 'finished', metrics: { f1: summary } },
      removed: ['heartbeatAt'],
      duration: '13s',
      primaryMetric: 'f1',
    });
    assert.deepEqual(change, { kind: 'run', newMetrics: ['f1'] });
    assert.equal(model.view?.run.name, 'renamed');
    assert.equal(model.view?.run.status, 'finished');
    assert.equal(model.view?.run.experiment, before?.experiment, 'fields not in the patch are kept');
    assert.equal(model.view?.run.heartbeatAt, undefined);
    assert.equal(model.view?.duration, '13s');
    assert.equal(model.view?.primaryMetric, 'f1');
    for (const bad of [
      { type: 'patchRun', changed: [], removed: [], duration: '' },
      { type: 'patchRun', changed: {}, removed: [1], duration: '' },
      { type: 'patchRun', changed: {}, removed: [] },
    ])
      assert.equal(applyMessage(model, bad).kind, 'none', JSON.stringify(bad));
  });

  it('orders metrics: primary first, then the document, then metrics seen only as points', () => {
    const model = createModel();
    const summary = { last: 1, min: 1, max: 1, count: 1, step: 0, time: 0 };
    applyMessage(model, {
      type: 'setRun',
      view: view({ metrics: { loss: summary, acc: summary, f1: summary } }, 'f1'),
      points: { extra: [[0, 1, 0]], loss: [[0, 1, 0]] },
      output: '',
      outputTruncated: false,
    });
    assert.deepEqual(metricNames(model), ['f1', 'loss', 'acc', 'extra']);
    applyMessage(model, {
      type: 'patchRun',
      changed: { metrics: { loss: summary } },
      removed: [],
      duration: '',
      primaryMetric: 'missing',
    });
    assert.deepEqual(metricNames(model), ['loss', 'extra']);
  });

  it('offers only paths inside the run folder for openFile', () => {
    for (const ok of ['git.diff', 'artifacts/model.pt', 'artifacts\\win.txt', 'a/b..c/d'])
      assert.ok(isRunRelativePath(ok), ok);
    for (const bad of [
      '',
      '/etc/passwd',
      '../x',
      'a/../../x',
      'C:\\x',
      '\\\\server\\share',
      'a\0b',
      42,
      null,
    ]) {
      assert.ok(!isRunRelativePath(bad), String(bad));
    }
  });
});
