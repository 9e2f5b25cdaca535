// The packaged extension holds only what runs (scripts/package.mjs checks this too, at packaging time).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { VSIX_PATH } from './workbench';

describe('dist/runlog.vsix', () => {
  it('contains only the shipped files', async () => {
    assert.ok(fs.existsSync(VSIX_PATH), `${VSIX_PATH} is missing: run \`npm run package\``);
    const { listZip, vsixProblems } = await import('../../scripts/vsix-contents.mjs');
    const names = listZip(VSIX_PATH);
    assert.deepEqual(vsixProblems(names), []);
    for (const forbidden of [/\.map$/, /\/src\//, /\/test\//, /node_modules/, /\.cache\//, /\/demo\//]) {
      assert.deepEqual(
        names.filter((n) => forbidden.test(n)),
        [],
        `${String(forbidden)} in the package`,
      );
    }
    assert.ok(names.includes('extension/dist/extension.js'));
    assert.ok(names.includes('extension/package.json'));
  });
});
