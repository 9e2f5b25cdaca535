// `npm run test:integration`: runs test/integration/*.test.ts inside a real VS Code 1.100.3.
//
//   1. builds the extension (node esbuild.mjs → dist/), unless RUNLOG_SKIP_BUILD=1
//   2. bundles test/integration/index.ts and every *.test.ts into out/test/integration/ (Node, CJS,
//      `vscode` and `mocha` external)
//   3. @vscode/test-electron's runTests() with the extension from the repository root, on a fresh temp
//      copy of test/fixtures/workspace/, in fresh user-data and extensions folders:
//        default                      vscodeExecutablePath = test/harness/code-server-vscode
//                                     (code-server 4.100.3 + Debian Chromium, offline)
//        RUNLOG_TEST_VSCODE=download  test-electron downloads desktop VS Code 1.100.3 (needs internet)
//
// `--prepare-only`: steps 1–2 plus a fresh copy of the fixture in .cache/integration-workspace, then exit (used by
// the "Extension Tests" launch configuration in .vscode/launch.json).
// Environment: RUNLOG_TEST_GREP=<text> (only matching tests), RUNLOG_HARNESS_VERBOSE=1 (server + page logs).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { ensureCodeServer, VSCODE_VERSION } from './install-code-server.mjs';
import { REPO_ROOT, makeTempDir, removeDir } from '../test/harness/code-server.mjs';

const testsDir = join(REPO_ROOT, 'test', 'integration');
const outDir = join(REPO_ROOT, 'out', 'test', 'integration');
const harness = join(REPO_ROOT, 'test', 'harness', 'code-server-vscode');
const useDownload = process.env.RUNLOG_TEST_VSCODE === 'download';

function step(message) {
  console.log(`[integration] ${message}`);
}

async function bundleTests() {
  const sources = readdirSync(testsDir).filter((name) => name === 'index.ts' || name.endsWith('.test.ts'));
  const entryPoints = sources.map((name) => join(testsDir, name));
  // Bundles of deleted tests go; the rest is overwritten in place (not wiped, so a run started
  // a moment earlier from the same checkout keeps its files).
  if (existsSync(outDir)) {
    for (const name of readdirSync(outDir)) {
      if (name.endsWith('.js') && !sources.includes(name.replace(/\.js$/, '.ts'))) rmSync(join(outDir, name));
    }
  }
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  step(`bundled ${entryPoints.length - 1} test file(s) into ${outDir}`);
}

async function main() {
  const started = Date.now();
  if (process.env.RUNLOG_SKIP_BUILD !== '1') {
    step('building the extension (node esbuild.mjs)');
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0) return 1;
  }
  await bundleTests();

  if (process.argv.includes('--prepare-only')) {
    // For .vscode/launch.json's "Extension Tests" (desktop VS Code): bundles + a workspace copy, no run.
    const target = join(REPO_ROOT, '.cache', 'integration-workspace');
    rmSync(target, { recursive: true, force: true });
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'workspace'), target, { recursive: true });
    step(`prepared ${join(outDir, 'index.js')} and ${target}`);
    return 0;
  }

  const workspace = join(makeTempDir('runlog-it-'), 'workspace');
  cpSync(join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const profile = makeTempDir('runlog-it-profile-');
  // VS Code, its built-in extensions and Chromium put sockets and folders into the temp directory
  // (vscode-typescript*, vscode-ipc-*.sock …): give them one inside the profile, removed with it.
  const tmp = join(profile, 'tmp');
  mkdirSync(tmp);

  const options = {
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: join(outDir, 'index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      `--user-data-dir=${join(profile, 'user-data')}`,
      `--extensions-dir=${join(profile, 'extensions')}`,
    ],
    extensionTestsEnv: {
      RUNLOG_TEST_HOST: useDownload ? 'desktop' : 'code-server',
      RUNLOG_FIXTURE_WORKSPACE: workspace,
      TMPDIR: tmp,
      ...(process.env.RUNLOG_TEST_GREP ? { RUNLOG_TEST_GREP: process.env.RUNLOG_TEST_GREP } : {}),
    },
  };
  if (useDownload) {
    step(`running in desktop VS Code ${VSCODE_VERSION} (downloaded by @vscode/test-electron)`);
    options.version = VSCODE_VERSION;
  } else {
    ensureCodeServer();
    step(`running in VS Code ${VSCODE_VERSION} via code-server + Chromium (${harness})`);
    options.vscodeExecutablePath = harness;
  }

  let code = 0;
  try {
    await runTests(options);
  } catch (error) {
    console.error(`[integration] ${error instanceof Error ? error.message : String(error)}`);
    code = 1;
  } finally {
    removeDir(join(workspace, '..'));
    removeDir(profile);
  }
  step(`${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

process.exit(await main());
