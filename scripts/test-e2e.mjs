// `npm run test:e2e`: end-to-end tests (test/e2e/**/*.test.ts, mocha + tsx) against the PACKAGED extension:
// dist/runlog.vsix installed into code-server 4.100.3 (VS Code 1.100.3), driven in Debian's Chromium with
// playwright-core. Screenshots land in test-results/e2e/<test>/<nn-step>.png.
//
//   1. node scripts/package.mjs (production build + .vsix), unless RUNLOG_SKIP_PACKAGE=1 and the .vsix exists
//   2. installs code-server if needed
//   3. mocha over test/e2e
//
// Environment: RUNLOG_TEST_GREP=<text> (only matching tests), RUNLOG_E2E_HEADED=1 (show the browser).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './install-code-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vsix = join(root, 'dist', 'runlog.vsix');
const started = Date.now();

function step(message) {
  console.log(`[e2e] ${message}`);
}

if (process.env.RUNLOG_SKIP_PACKAGE === '1' && existsSync(vsix)) {
  step('using the existing dist/runlog.vsix (RUNLOG_SKIP_PACKAGE=1)');
} else {
  const pkg = spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (pkg.status !== 0) {
    step('packaging failed');
    process.exit(1);
  }
}
ensureCodeServer();
rmSync(join(root, 'test-results', 'e2e'), { recursive: true, force: true });

const mochaArgs = [
  join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
  '--no-config',
  '--no-package',
  '--require',
  'tsx/cjs',
  '--ui',
  'bdd',
  '--reporter',
  'spec',
  '--timeout',
  String(Number(process.env.RUNLOG_E2E_TIMEOUT_MS || 60_000)),
  '--extension',
  'ts',
  ...(process.env.RUNLOG_TEST_GREP ? ['--grep', process.env.RUNLOG_TEST_GREP] : []),
  'test/e2e/**/*.test.ts',
];
step('running test/e2e with mocha');
const result = spawnSync(process.execPath, mochaArgs, { cwd: root, stdio: 'inherit' });
const code = result.status ?? 1;
step(
  `${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in test-results/e2e/`,
);
process.exit(code);
