// Entry point the extension host loads for the integration tests (`--extensionTestsPath`).
// Runs mocha (BDD: describe/it) over every compiled `*.test.js` beside this file, so a new
// `test/integration/<name>.test.ts` is picked up without registering it anywhere.
// Environment: RUNLOG_TEST_GREP=<text> runs only the tests whose full title contains it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // Stack traces point at test/integration/*.ts (the bundles carry inline source maps).
  process.setSourceMapsEnabled(true);
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.RUNLOG_TEST_TIMEOUT_MS || 30_000),
    reporter: 'spec',
  });
  if (process.env.RUNLOG_TEST_GREP) mocha.grep(process.env.RUNLOG_TEST_GREP);
  const files = fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  if (files.length === 0) throw new Error(`no *.test.js files in ${__dirname}`);

  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run((count) => resolve(count));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
