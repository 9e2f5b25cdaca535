import assert from 'node:assert/strict';
import {
  formatBytes,
  formatClock,
  formatCommandLine,
  formatCount,
  formatLocalTime,
  shortDigest,
} from '../../../webview/shared/format';

describe('webview formatting', () => {
  it('formats sizes like the Explorer', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(100), '100 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(1024 * 1024), '1 MB');
    assert.equal(formatBytes(147_897_477_120), '138 GB');
    assert.equal(formatBytes(12_345_678), '11.8 MB');
    assert.equal(formatBytes(NaN), '');
    assert.equal(formatBytes('12'), '');
  });

  it('shortens digests and drops the algorithm', () => {
    assert.equal(shortDigest('sha256:9f3a0c1e2b4d6f8091a2'), '9f3a0c1e2b4d');
    assert.equal(shortDigest('abc'), 'abc');
    assert.equal(shortDigest(undefined), '');
  });

  it('quotes command line arguments that need it', () => {
    assert.equal(formatCommandLine(['python', 'train.py', '--lr', '3e-4']), 'python train.py --lr 3e-4');
    assert.equal(formatCommandLine(['echo', 'a b', "it's", '']), `echo 'a b' 'it'\\''s' ''`);
    assert.equal(formatCommandLine(['x', '$HOME']), `x '$HOME'`);
  });

  it('formats counts and times', () => {
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatCount(2.5), '2.5');
    assert.match(formatLocalTime('2026-11-21T22:18:15.123Z'), /^2026-11-2[12] \d\d:\d\d:15$/);
    assert.equal(formatLocalTime('not a time'), 'not a time');
    assert.equal(formatLocalTime(42), '');
    assert.match(formatClock(1_763_762_295), /^\d\d:\d\d:15$/);
    assert.equal(formatClock(NaN), '');
  });
});
