import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputTail } from '../../../src/core/store/outputReader';
import { discoverStore } from '../../../src/core/store/discovery';
import { tempFolder, tempStore, storeParent } from '../../fixtures/runs';

describe('following output.log', () => {
  it('starts at the tail on a whole line, then returns only what was appended', async () => {
    const file = join(tempFolder(), 'output.log');
    writeFileSync(file, 'first line\nsecond line\nthird\n');
    const tail = new OutputTail(file, 16);
    assert.deepEqual(await tail.readNew(), { text: 'third\n', truncated: true });
    appendFileSync(file, 'fourth\n');
    assert.deepEqual(await tail.readNew(), { text: 'fourth\n', truncated: false });
    assert.deepEqual(await new OutputTail(join(tempFolder(), 'none')).readNew(), {
      text: '',
      truncated: false,
    });
  });

  it('never cuts a UTF-8 character in two', async () => {
    const file = join(tempFolder(), 'output.log');
    const bytes = Buffer.from('héllo 🎉\n');
    writeFileSync(file, bytes.subarray(0, 8)); // inside the emoji
    const tail = new OutputTail(file);
    const first = await tail.readNew();
    appendFileSync(file, bytes.subarray(8));
    const second = await tail.readNew();
    assert.equal(first.text + second.text, 'héllo 🎉\n');
  });

  it('skips to the tail, and says so, when more was printed than one read may hold', async () => {
    const file = join(tempFolder(), 'output.log');
    writeFileSync(file, 'start\n');
    const tail = new OutputTail(file, 10, 100);
    await tail.readNew();
    appendFileSync(file, `${'x'.repeat(500)}\nend of it\n`);
    const { text, truncated } = await tail.readNew();
    assert.ok(truncated);
    assert.match(
      text,
      /^\n\[… 0\.0 MiB of output skipped; the whole output is in .*output\.log …\]\nend of it\n$/,
    );
  });
});

describe('finding the store of a folder', () => {
  it('takes RUNLOG_STORE, else the nearest .runlog above, else none', () => {
    const root = tempStore();
    const project = storeParent(root);
    assert.equal(discoverStore(join(project, 'a', 'b'), {}), root);
    assert.equal(discoverStore(project, { RUNLOG_STORE: 'elsewhere' }), join(project, 'elsewhere'));
    assert.equal(discoverStore(tempFolder(), {}), undefined);
  });
});
