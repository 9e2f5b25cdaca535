import assert from 'node:assert/strict';
import sinon from 'sinon';
import { Coalescer } from '../../../src/core/util/coalescer';
import { Emitter } from '../../../src/core/util/emitter';

describe('Coalescer', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers()));
  afterEach(() => clock.restore());

  function recorder() {
    const calls: string[][] = [];
    let release: (() => void) | undefined;
    let hold = false;
    const work = (keys: string[]) => {
      calls.push([...keys].sort());
      if (!hold) return Promise.resolve();
      return new Promise<void>((resolve) => (release = resolve));
    };
    return {
      calls,
      work,
      holdNext: () => (hold = true),
      release: () => {
        hold = false;
        release?.();
      },
    };
  }

  it('merges requests within the delay into one call with each key once', async () => {
    const r = recorder();
    const coalescer = new Coalescer(r.work, 30);
    coalescer.request('a', 'b');
    await clock.tickAsync(10);
    coalescer.request('b', 'c');
    assert.deepEqual(r.calls, [], 'nothing before the delay');
    await clock.tickAsync(30);
    assert.deepEqual(r.calls, [['a', 'b', 'c']]);
  });

  it('never runs twice at once: requests during a call wait for the next one', async () => {
    const r = recorder();
    const coalescer = new Coalescer(r.work, 30);
    r.holdNext();
    coalescer.request('a');
    await clock.tickAsync(30);
    assert.deepEqual(r.calls, [['a']]);
    coalescer.request('b');
    coalescer.request('c');
    await clock.tickAsync(100);
    assert.deepEqual(r.calls, [['a']], 'still running the first call');
    r.release();
    await clock.tickAsync(30);
    assert.deepEqual(r.calls, [['a'], ['b', 'c']]);
  });

  it('idle() runs what is pending at once and resolves when all is done', async () => {
    const r = recorder();
    const coalescer = new Coalescer(r.work, 1000);
    coalescer.request('a');
    await coalescer.idle();
    assert.deepEqual(r.calls, [['a']]);
    await coalescer.idle();
    assert.deepEqual(r.calls, [['a']], 'idle with nothing pending calls nothing');
  });

  it('reports a failing call and keeps working', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const done: string[][] = [];
    const coalescer = new Coalescer(
      (keys: string[]) => {
        if (fail) {
          fail = false;
          return Promise.reject(new Error('disk'));
        }
        done.push(keys);
        return Promise.resolve();
      },
      5,
      (error) => errors.push(error),
    );
    coalescer.request('a');
    await coalescer.idle();
    coalescer.request('b');
    await coalescer.idle();
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['disk'],
    );
    assert.deepEqual(done, [['b']]);
  });

  it('does nothing once disposed', async () => {
    const r = recorder();
    const coalescer = new Coalescer(r.work, 10);
    coalescer.request('a');
    coalescer.dispose();
    coalescer.request('b');
    await clock.tickAsync(100);
    assert.deepEqual(r.calls, []);
  });
});

describe('Emitter', () => {
  it('calls every listener with the value, in order, until disposed', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    const a = emitter.event((v) => seen.push(`a${v}`));
    emitter.event((v) => seen.push(`b${v}`));
    emitter.fire(1);
    a.dispose();
    emitter.fire(2);
    emitter.dispose();
    emitter.fire(3);
    assert.deepEqual(seen, ['a1', 'b1', 'b2']);
  });

  it('lets a listener unsubscribe while the event is being fired', () => {
    const emitter = new Emitter<void>();
    const seen: string[] = [];
    const once = emitter.event(() => {
      seen.push('once');
      once.dispose();
    });
    emitter.event(() => seen.push('always'));
    emitter.fire();
    emitter.fire();
    assert.deepEqual(seen, ['once', 'always', 'always']);
  });
});
