// `npm start`: Runlog in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) in your browser, on the demo/
// workspace, with the extension freshly built, packaged and installed from dist/runlog.vsix.
//
//   node scripts/start.mjs            serve until Ctrl-C, on http://127.0.0.1:${PORT:-8080} (next free port if busy)
//   node scripts/start.mjs --check    start, load the page once in Chromium, check the Runlog activity-bar item
//                                     is there (screenshot: test-results/start.png), stop; exit 0 or 1
// Options: --skip-package (reuse dist/runlog.vsix if it exists), --verbose (print code-server's log).
// Environment: PORT, RUNLOG_START_CHECK=1 (same as --check), RUNLOG_DEMO_DIR (folder to serve instead of demo/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './install-code-server.mjs';
import { packageExtension, VSIX_PATH } from './package.mjs';
import {
  codeServerVersions,
  installVsix,
  isPortFree,
  launchChromium,
  makeTempDir,
  removeDir,
  seedUserSettings,
  startCodeServer,
  waitForActivityBarIcon,
} from '../test/harness/code-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const check = argv.includes('--check') || process.env.RUNLOG_START_CHECK === '1';
const verbose = argv.includes('--verbose');
const skipPackage = argv.includes('--skip-package');
const startDir = join(root, '.cache', 'start');

function say(message) {
  console.log(`[start] ${message}`);
}

async function findPort(first) {
  for (let port = first; port < first + 50; port++) {
    if (await isPortFree(port)) return port;
    say(`port ${port} is busy, trying ${port + 1}`);
  }
  throw new Error(`no free port in ${first}–${first + 49}`);
}

function demoFolder() {
  const demo = resolve(process.env.RUNLOG_DEMO_DIR || join(root, 'demo'));
  if (!existsSync(demo)) {
    mkdirSync(demo, { recursive: true });
    writeFileSync(
      join(demo, 'README.md'),
      '# Runlog demo workspace\n\nPlaceholder: the demo project (a training script and recorded runs) goes here.\n',
    );
    say(`created ${demo} (placeholder)`);
  }
  return demo;
}

/** Loads the page in Chromium, checks Runlog's activity-bar item shows and opens its side bar; returns the exit code. */
async function checkPage(url) {
  const browser = await launchChromium();
  try {
    say(`checking ${url} in Chromium ${browser.version()}`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    let ok = true;
    try {
      // The entry with its icon painted, then a click on it shows the Runlog side bar with its Runs view.
      await waitForActivityBarIcon(page, 'Runlog');
      await page.locator('.part.activitybar .action-item a.action-label[aria-label^="Runlog"]').click();
      await page
        .locator('.part.sidebar .pane-header h3.title', { hasText: /^\s*Runs\s*$/i })
        .waitFor({ state: 'visible', timeout: 30_000 });
    } catch (error) {
      console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
      ok = false;
    }
    const shot = join(root, 'test-results', 'start.png');
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, animations: 'disabled' });
    const verdict = ok
      ? 'OK: the Runlog activity-bar item is visible and opens the Runlog side bar'
      : 'FAILED: no working Runlog activity-bar item';
    say(`${verdict} (${shot})`);
    return ok ? 0 : 1;
  } finally {
    await browser.close();
  }
}

async function main() {
  const deps = spawnSync('bash', [join(root, 'scripts', 'ensure-system-deps.sh')], { stdio: 'inherit' });
  if (deps.status !== 0) return 1;
  ensureCodeServer();
  if (!(skipPackage && existsSync(VSIX_PATH))) packageExtension();

  // A check gets folders of its own, so it can run beside a running `npm start` (code-server hands a folder
  // to an instance already running on the same user-data folder instead of starting).
  const base = check ? makeTempDir('runlog-start-check-') : startDir;
  const extensionsDir = join(base, 'extensions');
  const userDataDir = join(base, 'user-data');
  rmSync(extensionsDir, { recursive: true, force: true });
  seedUserSettings(userDataDir);
  say(`installing ${relative(root, VSIX_PATH)} into ${relative(root, extensionsDir) || extensionsDir}`);
  await installVsix({ vsixPath: VSIX_PATH, extensionsDir, userDataDir });

  const folder = demoFolder();
  const port = await findPort(Number(process.env.PORT || 8080));
  const server = await startCodeServer({
    userDataDir,
    extensionsDir,
    port,
    folder,
    onOutput: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
  });
  const url = `http://127.0.0.1:${server.port}/?folder=${encodeURI(folder)}`;
  const { vscode, codeServer } = codeServerVersions();
  console.log('');
  console.log(`  Runlog is running: ${url}`);
  console.log(`  (VS Code ${vscode} via code-server ${codeServer}; Ctrl-C to stop)`);
  console.log('');

  if (check) {
    let code = 1;
    try {
      code = await checkPage(url);
    } catch (error) {
      console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
    }
    if (code !== 0) console.error(`[start] code-server output:\n${server.output()}`);
    await server.stop();
    removeDir(base);
    return code;
  }

  let stopping = false;
  const stop = async (signal) => {
    stopping = true;
    say(`${signal}: stopping code-server`);
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  const code = await server.exited;
  if (stopping) return new Promise(() => undefined); // stop() exits
  console.error(
    `[start] code-server exited (${code}):\n${server.output().split('\n').slice(-30).join('\n')}`,
  );
  return code === 0 ? 1 : code;
}

try {
  process.exit(await main());
} catch (error) {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
