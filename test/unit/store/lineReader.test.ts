import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachLines, MAX_LINE_BYTES } from '../../../src/core/store/lineReader';
import { csvNumber, csvText } from '../../../src/core/export/csv';
import { tempFolder } from '../../fixtures/runs';

async function lines(text: string | Buffer, chunkBytes: number, start = 0) {
  const file = join(tempFolder(), 'lines');
  writeFileSync(file, text);
  const handle = await open(file, 'r');
  try {
    const seen: string[] = [];
    const { size } = await handle.stat();
    const scan = await forEachLines(handle, start, size, (batch) => void seen.push(...batch), chunkBytes);
    return { seen, ...scan, size };
  } finally {
    await handle.close();
  }
}

describe('reading lines in bounded chunks', () => {
  it('gives the same lines whatever the chunk size, never cutting a UTF-8 character', async () => {
    const text = ['α=1', '', 'ünïcödé 🎉 line', 'x'.repeat(50), 'last'].join('\n') + '\n';
    const expected = text.split('\n').slice(0, -1);
    for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) {
      const { seen, end, size } = await lines(text, chunk);
      assert.deepEqual(seen, expected, `chunk ${chunk}`);
      assert.equal(end, size);
    }
  });

  it('leaves a last line without its newline for later, and starts where it is told', async () => {
    const { seen, end } = await lines('one\ntwo\nthr', 4);
    assert.deepEqual(seen, ['one', 'two']);
    assert.equal(end, 8);
    assert.deepEqual((await lines('one\ntwo\n', 4, 4)).seen, ['two']);
  });

  it('skips and counts a line longer than the limit instead of holding it', async () => {
    const long = Buffer.alloc(MAX_LINE_BYTES + 10, 'x');
    const text = Buffer.concat([Buffer.from('a\n'), long, Buffer.from('\nb\n')]);
    const { seen, overlong, end, size } = await lines(text, 1 << 20);
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(overlong, 1);
    assert.equal(end, size);
  });
});

describe('CSV cells', () => {
  it('neutralises text that a spreadsheet would run as a formula', () => {
    assert.equal(csvText('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    for (const start of ['+', '-', '@', '\t', '\r']) assert.equal(csvText(`${start}1`), `"'${start}1"`);
    assert.equal(csvText('loss'), 'loss');
    assert.equal(csvText('a,b'), '"a,b"');
  });

  it('writes numbers as they are, including the store strings and -0', () => {
    assert.deepEqual([-0.5, -0, 1e21, NaN, Infinity, -Infinity].map(csvNumber), [
      '-0.5',
      '-0',
      '1e+21',
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
  });
});
