import assert from 'node:assert/strict';
import { crashReason, HEARTBEAT_TIMEOUT_MS, type LivenessProbe } from '../../../src/core/store/liveness';
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
