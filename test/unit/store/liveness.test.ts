import assert from 'node:assert/strict';
import {
  crashFields,
  crashReason,
  HEARTBEAT_TIMEOUT_MS,
  withLiveness,
  type LivenessProbe,
} from '../../../src/core/store/liveness';
import { makeRunDocument } from '../../fixtures/runs';

const now = Date.parse('2026-11-21T22:00:00Z');
const probe = (alive: boolean): LivenessProbe => ({
  host: 'here',
  now: () => now,
  isProcessAlive: () => alive,
});
const running = (host: string, heartbeatAgoMs: number) =>
  makeRunDocument({
    status: 'running',
    startTime: new Date(now - 60_000).toISOString(),
    heartbeatAt: new Date(now - heartbeatAgoMs).toISOString(),
    capture: { pid: 4242, host },
  });

describe('crash detection', () => {
  it('sees a dead process on this host at once', () => {
    assert.match(crashReason(running('here', 100), probe(false)) ?? '', /process 4242 is gone/);
    assert.equal(crashReason(running('here', 100), probe(true)), undefined);
  });

  it('falls back to the heartbeat for runs on other hosts', () => {
    assert.equal(crashReason(running('elsewhere', 1000), probe(false)), undefined);
    assert.match(
      crashReason(running('elsewhere', HEARTBEAT_TIMEOUT_MS + 1), probe(false)) ?? '',
      /no heartbeat/,
    );
  });

  it('leaves ended runs alone', () => {
    assert.equal(crashReason(makeRunDocument({ status: 'finished' }), probe(false)), undefined);
  });
});

describe('the one liveness rule', () => {
  it('treats a heartbeat more than 30 s in the future as stale', () => {
    assert.equal(crashReason(running('elsewhere', -HEARTBEAT_TIMEOUT_MS + 1000), probe(true)), undefined);
    assert.match(
      crashReason(running('elsewhere', -HEARTBEAT_TIMEOUT_MS - 1000), probe(true)) ?? '',
      /heartbeat 2026-11-21T22:00:31.000Z is in the future/,
    );
  });

  it('never probes forged pids (-1, 0, 1): only the heartbeat counts for them', () => {
    const probed: number[] = [];
    const recording: LivenessProbe = { ...probe(false), isProcessAlive: (pid) => (probed.push(pid), false) };
    for (const pid of [-1, 0, 1]) {
      const doc = { ...running('here', 100), capture: { pid, host: 'here' } };
      assert.equal(crashReason(doc, recording), undefined);
    }
    assert.deepEqual(probed, []);
  });

  it('sees a pid reused by another program as dead when the run recorded its process start', () => {
    const doc = { ...running('here', 100), capture: { pid: 4242, host: 'here', processStart: 'boot:100' } };
    const reused: LivenessProbe = { ...probe(true), processStart: () => 'boot:200' };
    assert.match(crashReason(doc, reused) ?? '', /now another program/);
    assert.equal(crashReason(doc, { ...probe(true), processStart: () => 'boot:100' }), undefined);
  });

  it('calls a heartbeat that is not a time stale', () => {
    const doc = { ...running('elsewhere', 100), heartbeatAt: 'soon' };
    assert.match(crashReason(doc, probe(true)) ?? '', /"soon" is not a time/);
  });

  it('shows a crash in memory with the same fields the extension records', () => {
    const doc = running('here', 5000);
    const seen = withLiveness(doc, probe(false));
    assert.equal(seen.crash, 'process 4242 is gone');
    assert.equal(seen.doc.status, 'crashed');
    assert.equal(seen.doc.endTime, doc.heartbeatAt);
    assert.match(seen.doc.error?.message ?? '', /died without closing the run: process 4242 is gone/);
    assert.equal(doc.status, 'running', 'the document read is not changed');
    assert.equal(withLiveness(doc, probe(true)).doc, doc);
    const future = { ...doc, heartbeatAt: new Date(now + 3_600_000).toISOString() };
    assert.equal(crashFields(future, 'x', now).endTime, doc.startTime, 'never ends in the future');
  });
});
