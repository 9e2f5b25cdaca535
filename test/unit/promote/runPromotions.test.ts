import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit, auditFile, type AuditRecord } from '../../../src/core/promote/audit';
import { AuditTail } from '../../../src/core/promote/auditTail';
import { RunPromotions } from '../../../src/core/promote/runPromotions';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function record(overrides: Partial<AuditRecord>): AuditRecord {
  return {
    id: 'p1',
    at: '2026-12-01T10:00:00.000Z',
    action: 'promote',
    user: { name: 'Ada', email: 'ada@example.org' },
    target: 'prod',
    repository: 'localhost:5000/team/churn',
    runId: 'run-a',
    version: '1.0.0',
    alias: 'production',
    outcome: 'pushed',
    ...overrides,
  };
}

describe('promotion audit trail for the run details page', () => {
  let store: string;
  beforeEach(() => (store = mkdtempSync(join(tmpdir(), 'runlog-audit-tail-'))));
  afterEach(() => rmSync(store, { recursive: true, force: true }));

  it('reads only what was appended since the last read, and waits for a line being written', async () => {
    const tail = new AuditTail(store);
    assert.deepEqual(await tail.readNew(), { records: [], reset: false }, 'no audit log yet');
    await appendAudit(store, record({ id: 'p1' }));
    await appendAudit(store, record({ id: 'p2' }));
    assert.deepEqual(
      (await tail.readNew()).records.map((r) => r.id),
      ['p1', 'p2'],
    );
    assert.deepEqual((await tail.readNew()).records, [], 'nothing new');
    const line = JSON.stringify(record({ id: 'p3' }));
    appendFileSync(auditFile(store), line.slice(0, 20));
    assert.deepEqual((await tail.readNew()).records, [], 'half a line is not read yet');
    appendFileSync(auditFile(store), `${line.slice(20)}\nnot json\n`);
    assert.deepEqual(
      (await tail.readNew()).records.map((r) => r.id),
      ['p3'],
      'the finished line, the torn one skipped',
    );
  });

  it('starts over when the log was replaced by a shorter one', async () => {
    const tail = new AuditTail(store);
    await appendAudit(store, record({ id: 'p1', error: 'x'.repeat(500) }));
    await tail.readNew();
    writeFileSync(auditFile(store), `${JSON.stringify(record({ id: 'p9' }))}\n`);
    const next = await tail.readNew();
    assert.equal(next.reset, true);
    assert.deepEqual(
      next.records.map((r) => r.id),
      ['p9'],
    );
  });

  it('merges the lines of each promotion of the run: push, failed pipeline, retried pipeline', () => {
    const promotions = new RunPromotions('run-a');
    const pushed = record({
      gates: [{ expression: 'metrics.acc >= 0.9', ok: false, details: ['metrics.acc = 0.85, needs >= 0.9'] }],
      override: true,
      digest: DIGEST,
      reference: `localhost:5000/team/churn@${DIGEST}`,
    });
    const failed = record({
      action: 'pipeline',
      at: '2026-12-01T10:00:05.000Z',
      digest: DIGEST,
      outcome: 'pushed, pipeline failed',
      pipeline: { type: 'command', ok: false, status: 'failure', message: 'exit 3', url: undefined },
    });
    assert.equal(promotions.add([pushed, record({ id: 'other', runId: 'run-b' }), failed]), true);
    let [entry] = promotions.list();
    assert.equal(promotions.list().length, 1, "another run's promotion is not listed");
    assert.equal(entry.action, 'override');
    assert.equal(entry.user, 'Ada <ada@example.org>');
    assert.equal(entry.at, pushed.at, 'when it started');
    assert.equal(entry.outcome, 'pushed, pipeline failed');
    assert.equal(entry.canRetry, true);
    assert.equal(entry.pipeline?.runs, 1);
    assert.equal(entry.gates[0].ok, false);

    const retried = record({
      action: 'pipeline',
      at: '2026-12-01T10:05:00.000Z',
      user: { name: 'Grace' },
      digest: DIGEST,
      outcome: 'pipeline succeeded',
      pipeline: { type: 'command', ok: true, status: 'success', message: 'exit 0' },
    });
    assert.equal(promotions.add([retried]), true);
    [entry] = promotions.list();
    assert.equal(entry.outcome, 'pipeline succeeded');
    assert.equal(entry.canRetry, false);
    assert.deepEqual([entry.pipeline?.ok, entry.pipeline?.runs, entry.pipeline?.at], [true, 2, retried.at]);
    assert.equal(promotions.add([record({ id: 'x', runId: 'run-b' })]), false, 'other runs change nothing');
  });

  it('lists rollbacks and failed pushes, newest first', () => {
    const promotions = new RunPromotions('run-a');
    promotions.add([
      record({ id: 'p1', outcome: 'failed', error: 'registry down' }),
      record({ id: 'r1', action: 'rollback', at: '2026-12-02T08:00:00.000Z', outcome: 'rolled back' }),
    ]);
    const [rollback, failed] = promotions.list();
    assert.equal(rollback.action, 'rollback');
    assert.equal(failed.error, 'registry down');
    assert.equal(failed.canRetry, false);
  });
});
