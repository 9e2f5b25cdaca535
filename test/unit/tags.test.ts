import assert from 'node:assert/strict';
import { parseTags } from '../../src/core/tags';

describe('tag input', () => {
  it('reads key=value, bare keys and removals', () => {
    assert.deepEqual(parseTags(' baseline owner=ana  -draft '), {
      baseline: 'true',
      owner: 'ana',
      draft: '',
    });
    assert.deepEqual(parseTags('note=a=b'), { note: 'a=b' });
  });

  it('rejects what it cannot read', () => {
    for (const bad of ['', '   ', '-x=1', 'bad key!', '=v']) assert.equal(parseTags(bad), undefined, bad);
  });
});
