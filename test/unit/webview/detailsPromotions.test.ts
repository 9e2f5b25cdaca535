import assert from 'node:assert/strict';
import {
  isFromDetailsWebview,
  parseToDetailsWebview,
  type PromotionEntry,
} from '../../../webview/details/contract';
import { gateLines, pipelineText, promotionTarget } from '../../../webview/details/promotionText';
import { applyMessage, createModel } from '../../../webview/details/state';
import { makeRunDocument } from '../../fixtures/runs';

const DIGEST = `sha256:${'0f'.repeat(32)}`;

function entry(overrides: Partial<PromotionEntry> = {}): PromotionEntry {
  return {
    id: '6f1c2a9e-0000-4000-8000-000000000001',
    at: '2026-12-01T10:00:00.000Z',
    user: 'Ada <ada@example.org>',
    action: 'override',
    target: 'prod',
    repository: '127.0.0.1:5000/team/churn',
    version: '1.2.0',
    alias: 'production',
    digest: DIGEST,
    reference: `127.0.0.1:5000/team/churn@${DIGEST}`,
    outcome: 'pushed, pipeline failed',
    gates: [
      { expression: 'status == "finished"', ok: true, details: [] },
      { expression: 'metrics.acc >= 0.9', ok: false, details: ['metrics.acc = 0.85, needs >= 0.9'] },
    ],
    pipeline: {
      type: 'command',
      ok: false,
      status: 'failure',
      message: 'exit 3',
      at: '2026-12-01T10:00:05Z',
      runs: 2,
    },
    canRetry: true,
    ...overrides,
  };
}

describe('details page Promotions section', () => {
  it('validates setPromotions on the page side', () => {
    assert.ok(parseToDetailsWebview({ type: 'setPromotions', promotions: [] }));
    assert.ok(parseToDetailsWebview({ type: 'setPromotions', promotions: [entry()] }));
    for (const bad of [
      { type: 'setPromotions' },
      { type: 'setPromotions', promotions: [{ ...entry(), action: 'delete' }] },
      { type: 'setPromotions', promotions: [{ ...entry(), digest: '<script>' }] },
      { type: 'setPromotions', promotions: [{ ...entry(), gates: [{ expression: 1 }] }] },
      { type: 'setPromotions', promotions: [{ ...entry(), pipeline: { type: 'command' } }] },
      { type: 'setPromotions', promotions: [{ ...entry(), canRetry: 'yes' }] },
    ])
      assert.equal(parseToDetailsWebview(bad), undefined, JSON.stringify(bad).slice(0, 120));
  });

  it('lets the page ask for Retry Pipeline only with a promotion id, and copy only digests', () => {
    assert.ok(
      isFromDetailsWebview({ type: 'runCommand', command: 'runlog.retryPipeline', promotionId: entry().id }),
    );
    assert.ok(isFromDetailsWebview({ type: 'runCommand', command: 'runlog.promoteRun' }));
    assert.ok(isFromDetailsWebview({ type: 'runCommand', command: 'runlog.rerunWithArguments' }));
    assert.ok(isFromDetailsWebview({ type: 'runCommand', command: 'runlog.compareRuns' }));
    assert.ok(isFromDetailsWebview({ type: 'copyDigest', digest: DIGEST }));
    for (const bad of [
      { type: 'runCommand', command: 'runlog.retryPipeline' },
      { type: 'runCommand', command: 'runlog.retryPipeline', promotionId: '../../x' },
      { type: 'runCommand', command: 'runlog.promoteRun', promotionId: entry().id },
      { type: 'copyDigest', digest: 'rm -rf /' },
      { type: 'copyDigest' },
    ])
      assert.equal(isFromDetailsWebview(bad), false, JSON.stringify(bad));
  });

  it('keeps the promotions in the model once the run is there', () => {
    const model = createModel();
    assert.equal(applyMessage(model, { type: 'setPromotions', promotions: [entry()] }).kind, 'none');
    applyMessage(model, {
      type: 'setRun',
      view: { run: makeRunDocument(), duration: '1s', primaryMetric: undefined },
      points: {},
      output: '',
      outputTruncated: false,
    });
    assert.equal(model.promotions, undefined, 'not read yet: the section says so');
    assert.deepEqual(applyMessage(model, { type: 'setPromotions', promotions: [entry()] }), {
      kind: 'promotions',
    });
    assert.equal((model.promotions as PromotionEntry[] | undefined)?.[0].id, entry().id);
  });

  it('describes target, gates (overrides marked) and the pipeline', () => {
    assert.equal(promotionTarget(entry()), '1.2.0 → production');
    assert.equal(promotionTarget(entry({ alias: undefined })), '1.2.0');
    assert.deepEqual(gateLines(entry()), [
      { ok: true, text: 'status == "finished"' },
      { ok: false, text: 'metrics.acc >= 0.9: metrics.acc = 0.85, needs >= 0.9 (overridden)' },
    ]);
    assert.equal(pipelineText(entry()), 'command: failure, exit 3 (run 2 times)');
    assert.equal(pipelineText(entry({ pipeline: undefined })), '');
  });
});
