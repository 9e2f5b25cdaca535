import assert from 'node:assert/strict';
import { endMessage } from '../../../src/core/runs/endMessage';
import { makeRunDocument } from '../../fixtures/runs';

const start = '2026-01-01T10:00:00.000Z';
const summary = (last: number) => ({ last, min: last, max: last, count: 3, step: 3, time: 0 });

describe('the message at the end of a run', () => {
  it('says a finished run finished, how long it took and its primary metric', () => {
    const doc = makeRunDocument({
      name: 'bright-owl',
      startTime: start,
      metrics: { loss: summary(0.2134), acc: summary(0.9) },
    });
    assert.deepEqual(endMessage(doc), {
      text: 'Run bright-owl finished in 12s · loss 0.2134',
      level: 'info',
    });
    assert.equal(endMessage(doc, 'acc').text, 'Run bright-owl finished in 12s · acc 0.9');
  });

  it('words a stop as information, and failures and crashes as warnings with the error', () => {
    const base = { name: 'r', startTime: start };
    assert.deepEqual(endMessage(makeRunDocument({ ...base, status: 'interrupted' })), {
      text: 'Run r was stopped after 12s',
      level: 'info',
    });
    const failed = endMessage(
      makeRunDocument({ ...base, status: 'failed', error: { type: 'ValueError', message: 'bad lr' } }),
    );
    assert.deepEqual(failed, { text: 'Run r failed after 12s: ValueError: bad lr', level: 'warning' });
    assert.equal(endMessage(makeRunDocument({ ...base, status: 'crashed' })).level, 'warning');
    assert.match(
      endMessage(makeRunDocument({ ...base, status: 'crashed' })).text,
      /^Run r crashed after 12s/,
    );
  });
});
