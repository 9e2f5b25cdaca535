import assert from 'node:assert/strict';
import { isRunId, newRunId } from '../../../src/core/store/ids';

describe('run ids', () => {
  it('carry the UTC start time and sort by it', () => {
    const id = newRunId(new Date('2026-11-21T22:18:15.123Z'));
    assert.match(id, /^20261121-221815-123-[0-9a-f]{8}$/);
    assert.ok(isRunId(id));
    const later = newRunId(new Date('2026-11-21T22:18:15.124Z'));
    assert.ok(later > id);
  });

  it('differ within the same millisecond', () => {
    const now = new Date();
    const ids = new Set(Array.from({ length: 1000 }, () => newRunId(now)));
    assert.equal(ids.size, 1000);
  });
});
