import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  procProbe,
  processStartOf,
  signalRunProcess,
  startTicksOf,
  systemProcessProbe,
  verifyRunProcess,
  type ProcessProbe,
} from '../../../src/core/store/processIdentity';
import type { Capture } from '../../../src/core/store/types';
import { makeRunDocument } from '../../fixtures/runs';

const BOOT = '0c6a2e1d-1111-4222-8333-944455556666';

/** A machine with one process, 4242, started at tick 1000. */
const fakeMachine: ProcessProbe = {
  host: 'lab-1',
  bootId: () => BOOT,
  startTicks: (pid) => (pid === 4242 ? '1000' : undefined),
};

function runWith(capture: Partial<Capture> & Record<string, unknown>) {
  return makeRunDocument({ status: 'running', endTime: null, capture: capture });
}

function reasonFor(capture: Record<string, unknown>, probe = fakeMachine): string {
  const check = verifyRunProcess(runWith(capture), probe);
  assert.equal(check.ok, false, 'must not verify');
  return check.ok ? '' : check.reason;
}

describe('process identity before Stop', () => {
  const genuine = { pid: 4242, host: 'lab-1', processStart: `${BOOT}:1000` };

  it('verifies the recorded writer on this machine', () => {
    assert.deepEqual(verifyRunProcess(runWith(genuine), fakeMachine), { ok: true, pid: 4242 });
  });

  it('refuses pids that address groups, everyone or init: -1, 0, 1, fractions, strings', () => {
    for (const pid of [-1, 0, 1, 2.5, '4242', null, undefined, 2 ** 60]) {
      assert.match(reasonFor({ ...genuine, pid }), /no usable process id/, String(pid));
    }
  });

  it('refuses a run on another host, or one that names no host', () => {
    assert.match(reasonFor({ ...genuine, host: 'lab-2' }), /runs on lab-2, not on this machine \(lab-1\)/);
    assert.match(reasonFor({ ...genuine, host: undefined }), /records no host/);
    assert.match(reasonFor({ ...genuine, host: '' }), /records no host/);
  });

  it('refuses a run that records no process start, and says what to do instead', () => {
    assert.match(reasonFor({ ...genuine, processStart: undefined }), /cannot be verified.*ps -p 4242/);
    assert.match(reasonFor({ ...genuine, processStart: 'garbage' }), /cannot be verified/);
  });

  it('refuses a pid reused by another program or after a reboot, and a pid that is gone', () => {
    assert.match(reasonFor({ ...genuine, processStart: `${BOOT}:999` }), /now another program/);
    assert.match(reasonFor({ ...genuine, processStart: `other-boot:1000` }), /machine restarted/);
    assert.match(reasonFor({ ...genuine, pid: 4343, processStart: `${BOOT}:1000` }), /4343 is gone/);
    const noProc = { ...fakeMachine, bootId: () => undefined };
    assert.match(reasonFor(genuine, noProc), /cannot be checked on this system/);
  });

  it('tolerates a capture that is not an object', () => {
    const doc = { ...runWith(genuine), capture: 'pid 1' } as unknown as ReturnType<typeof runWith>;
    assert.equal(verifyRunProcess(doc, fakeMachine).ok, false);
  });

  it('reads start ticks after the last parenthesis, whatever the command name holds', () => {
    const rest = Array.from({ length: 40 }, (_, i) => String(i + 3)).join(' ');
    assert.equal(startTicksOf(`77 (a) b (c) d) ${rest}`), '22');
    assert.equal(startTicksOf('77 (short) S 1'), undefined);
    assert.equal(startTicksOf('no parenthesis'), undefined);
  });

  describe('against real processes (Linux /proc)', () => {
    let child: ChildProcess | undefined;
    let fakeProc: string | undefined;
    afterEach(() => {
      child?.kill('SIGKILL');
      child = undefined;
      if (fakeProc) rmSync(fakeProc, { recursive: true, force: true });
      fakeProc = undefined;
    });

    it("verifies the test's own child process, whose start ticks match", async () => {
      child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      await new Promise((resolve) => child!.once('spawn', resolve));
      const pid = child.pid!;
      const processStart = processStartOf(pid);
      assert.match(processStart ?? '', /^[0-9a-f-]+:\d+$/);
      const doc = runWith({ pid, host: hostname(), processStart });
      assert.deepEqual(verifyRunProcess(doc), { ok: true, pid });
      const sent: Array<[number, string]> = [];
      const result = signalRunProcess(doc, 'SIGTERM', { kill: (p, s) => sent.push([p, s]) });
      assert.deepEqual([result, sent], [{ ok: true, pid }, [[pid, 'SIGTERM']]]);
    });

    it('refuses a live pid whose start ticks differ from the recorded ones', () => {
      const ticks = systemProcessProbe.startTicks(process.pid)!;
      const forged = `${systemProcessProbe.bootId()!}:${BigInt(ticks) + 1n}`;
      const doc = runWith({ pid: process.pid, host: hostname(), processStart: forged });
      const sent: number[] = [];
      const result = signalRunProcess(doc, 'SIGKILL', { kill: (p) => sent.push(p) });
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.reason, /now another program/);
      assert.deepEqual(sent, [], 'nothing signalled');
    });

    it('reads a /proc laid out elsewhere (the probe is injectable)', () => {
      fakeProc = mkdtempSync(join(tmpdir(), 'runlog-proc-'));
      mkdirSync(join(fakeProc, 'sys/kernel/random'), { recursive: true });
      mkdirSync(join(fakeProc, '4242'));
      writeFileSync(join(fakeProc, 'sys/kernel/random/boot_id'), `${BOOT}\n`);
      // Fields 4..52 after the state; field 22 is the start time.
      const fields = Array.from({ length: 49 }, (_, i) => (i + 4 === 22 ? '1000' : '7')).join(' ');
      writeFileSync(join(fakeProc, '4242/stat'), `4242 (python3 (train)) S ${fields}\n`);
      const probe = procProbe(fakeProc, 'lab-1');
      assert.equal(processStartOf(4242, probe), `${BOOT}:1000`);
      assert.deepEqual(verifyRunProcess(runWith(genuine), probe), { ok: true, pid: 4242 });
    });
  });

  it('never signals a forged pid, and reports a signal that fails', () => {
    const sent: number[] = [];
    const kill = (pid: number) => void sent.push(pid);
    for (const pid of [-1, 0, 1]) {
      assert.equal(
        signalRunProcess(runWith({ ...genuine, pid }), 'SIGTERM', { probe: fakeMachine, kill }).ok,
        false,
      );
    }
    assert.deepEqual(sent, []);
    const gone = signalRunProcess(runWith(genuine), 'SIGTERM', {
      probe: fakeMachine,
      kill: () => {
        throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
      },
    });
    assert.deepEqual(gone, { ok: false, reason: 'process 4242 is gone' });
  });
});
