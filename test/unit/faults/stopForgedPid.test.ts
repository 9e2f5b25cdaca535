// Fault injection: Stop on run documents that name forged pids. Signals go through a stand-in function, except for
// the last case, where a real child process that really is the run's writer is stopped with a real SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import {
  processStartOf,
  signalRunProcess,
  systemProcessProbe,
} from '../../../src/core/store/processIdentity';
import { makeRunDocument } from '../../fixtures/runs';

const running = (capture: Record<string, unknown>) =>
  makeRunDocument({ status: 'running', endTime: null, capture: capture });

describe('fault injection: Stop on a forged pid signals nothing', () => {
  const here = hostname();
  const mine = processStartOf(process.pid)!;
  const forged: Array<[string, Record<string, unknown>]> = [
    ['pid -1 (every process of the user)', { pid: -1, host: here, processStart: mine }],
    ['pid 0 (the process group)', { pid: 0, host: here, processStart: mine }],
    ['pid 1 (init)', { pid: 1, host: here, processStart: mine }],
    ['a pid on another host', { pid: process.pid, host: 'elsewhere', processStart: mine }],
    ['a pid with no host', { pid: process.pid, processStart: mine }],
    ['a live pid whose start differs (reused)', { pid: process.pid, host: here, processStart: `${mine}1` }],
    [
      'a pid from before a reboot',
      { pid: process.pid, host: here, processStart: `other-boot:${mine.split(':')[1]}` },
    ],
    ['a pid with no recorded process start', { pid: process.pid, host: here }],
    ['a pid as text', { pid: String(process.pid), host: here, processStart: mine }],
  ];
  for (const [name, capture] of forged) {
    it(`refuses ${name}`, () => {
      const sent: number[] = [];
      const result = signalRunProcess(running(capture), 'SIGKILL', { kill: (pid) => sent.push(pid) });
      assert.equal(result.ok, false);
      assert.deepEqual(sent, []);
    });
  }

  it('stops the real writer whose identity matches, with a real SIGTERM', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_code, signal) => resolve(signal)),
      );
      const doc = running({
        pid: child.pid,
        host: here,
        processStart: processStartOf(child.pid!, systemProcessProbe),
      });
      assert.deepEqual(signalRunProcess(doc, 'SIGTERM'), { ok: true, pid: child.pid });
      assert.equal(await exited, 'SIGTERM');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
