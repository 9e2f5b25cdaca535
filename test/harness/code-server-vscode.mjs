#!/usr/bin/env node
// Stands in for the VS Code executable, so that @vscode/test-electron's
// `runTests({ vscodeExecutablePath: 'test/harness/code-server-vscode' })` runs extension tests inside a
// real VS Code (code-server 4.100.3 = VS Code 1.100.3) shown in Debian's Chromium, with no download.
//
// It takes VS Code's command line:
//   --extensionDevelopmentPath=P (repeatable)  --extensionTestsPath=P  --user-data-dir=D  --extensions-dir=E
//   [folder | file.code-workspace]   and ignores the rest (--disable-extensions, --no-sandbox, --skip-welcome, …)
// starts code-server on 127.0.0.1 (any free port), opens the workbench in headless Chromium with the test
// paths in the page's payload, prints the extension host's console output (mocha's report) to stdout and
// exits with the tests' exit code. The variables of its own environment (test-electron's extensionTestsEnv)
// reach the extension host through the server's environment.
//
// Environment:
//   RUNLOG_HARNESS_TIMEOUT_MS  overall limit (default 600000 = 10 min); then a screenshot goes to
//                              test-results/ and it exits 1
//   RUNLOG_HARNESS_VERBOSE=1   also print the server's and the page's own log
//   RUNLOG_HARNESS_HEADED=1    show the browser (needs a display)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import {
  REPO_ROOT,
  codeServerVersions,
  launchChromium,
  makeTempDir,
  remoteUri,
  removeDir,
  seedUserSettings,
  startCodeServer,
  workbenchUrl,
} from './code-server.mjs';
import { ensureCodeServer } from '../../scripts/install-code-server.mjs';

const VALUE_FLAGS = new Set([
  'extensionDevelopmentPath',
  'extensionTestsPath',
  'user-data-dir',
  'extensions-dir',
  'locale',
  'log',
  'profile',
  'crash-reporter-directory',
  'install-extension',
  'uninstall-extension',
  'category',
  'sync',
]);
// Commands that do not open a window: handed to code-server's own command line.
const CLI_ONLY_FLAGS = new Set([
  'install-extension',
  'uninstall-extension',
  'list-extensions',
  'show-versions',
]);

function parseArgs(argv) {
  const parsed = { devPaths: [], testsPath: undefined, userDataDir: undefined, extensionsDir: undefined };
  parsed.positionals = [];
  parsed.cli = [];
  parsed.version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let value = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (value === undefined && VALUE_FLAGS.has(name) && i + 1 < argv.length) value = argv[++i];
    if (name === 'extensionDevelopmentPath') parsed.devPaths.push(resolve(value));
    else if (name === 'extensionTestsPath') parsed.testsPath = resolve(value);
    else if (name === 'user-data-dir') parsed.userDataDir = resolve(value);
    else if (name === 'extensions-dir') parsed.extensionsDir = resolve(value);
    else if (name === 'version' || name === 'v') parsed.version = true;
    if (CLI_ONLY_FLAGS.has(name)) parsed.cli.push(value === undefined ? `--${name}` : `--${name}=${value}`);
  }
  return parsed;
}

function say(message) {
  console.log(`[harness] ${message}`);
}

// The workbench's own chatter, which arrives on the same channel as the extension host's console.
const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(/,
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
];

function logLine(level, message, verbose) {
  const text = Array.isArray(message)
    ? format(...message.map((m) => (typeof m === 'string' || typeof m === 'number' ? m : JSON.stringify(m))))
    : String(message);
  if (!verbose && level === 'info' && WORKBENCH_NOISE.some((re) => re.test(text))) return;
  const out = level === 'error' ? process.stderr : process.stdout;
  out.write(text.endsWith('\n') ? text : text + '\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const verbose = process.env.RUNLOG_HARNESS_VERBOSE === '1';

  if (args.version) {
    const { vscode } = codeServerVersions();
    console.log(`${vscode}\ncode-server\nx64`);
    return 0;
  }
  if (args.cli.length > 0) {
    const bin = ensureCodeServer();
    const extra = [];
    if (args.extensionsDir) extra.push('--extensions-dir', args.extensionsDir);
    if (args.userDataDir) extra.push('--user-data-dir', args.userDataDir);
    const result = spawnSync(process.execPath, [bin, ...extra, ...args.cli], { stdio: 'inherit' });
    return result.status ?? 1;
  }
  if (!args.testsPath) {
    console.error('code-server-vscode runs extension tests only: pass --extensionTestsPath=…');
    return 2;
  }

  const timeoutMs = Number(process.env.RUNLOG_HARNESS_TIMEOUT_MS || 600_000);
  const started = Date.now();
  const tempDirs = [];
  const temp = (prefix) => {
    const dir = makeTempDir(prefix);
    tempDirs.push(dir);
    return dir;
  };
  const userDataDir = args.userDataDir ?? temp('runlog-harness-data-');
  const extensionsDir = args.extensionsDir ?? temp('runlog-harness-ext-');
  seedUserSettings(userDataDir);

  let target = args.positionals[0] ? resolve(args.positionals[0]) : undefined;
  if (target && !existsSync(target)) {
    console.error(`[harness] workspace ${target} does not exist`);
    return 2;
  }
  const isWorkspaceFile = target ? statSync(target).isFile() && target.endsWith('.code-workspace') : false;

  const versions = codeServerVersions();
  let server;
  let browser;
  let timer;
  const cleanup = async () => {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    for (const dir of tempDirs) removeDir(dir);
  };
  const onSignal = (signal) => {
    say(`${signal}: stopping`);
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    server = await startCodeServer({
      userDataDir,
      extensionsDir,
      port: 0,
      env: {},
      onOutput: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
    });
    browser = await launchChromium({ headless: process.env.RUNLOG_HARNESS_HEADED !== '1' });
    say(
      `VS Code ${versions.vscode} (code-server ${versions.codeServer}) at ${server.url} in Chromium ${browser.version()}`,
    );

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let finish;
    const finished = new Promise((resolveExit) => (finish = resolveExit));
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code) || 0));
    await page.exposeFunction('codeAutomationLog', (level, message) =>
      logLine(String(level), message, verbose),
    );
    page.on('pageerror', (error) => verbose && console.log(`[page error] ${error.message}`));
    if (verbose) page.on('console', (msg) => console.log(`[page ${msg.type()}] ${msg.text()}`));
    page.on('crash', () => {
      console.error('[harness] the workbench page crashed');
      finish(1);
    });

    const payload = [
      ...args.devPaths.map((p) => ['extensionDevelopmentPath', remoteUri(server.port, p)]),
      ['extensionTestsPath', remoteUri(server.port, args.testsPath)],
      ['skipWelcome', 'true'],
    ];
    const url = workbenchUrl({
      port: server.port,
      folder: target && !isWorkspaceFile ? target : undefined,
      workspace: isWorkspaceFile ? target : undefined,
      payload,
    });
    if (verbose) say(`opening ${url}`);
    const timedOut = new Promise((resolveTimeout) => {
      timer = setTimeout(() => resolveTimeout('timeout'), Math.max(0, timeoutMs - (Date.now() - started)));
    });
    const serverGone = server.exited.then((code) => `server-exit:${code}`);
    await page.goto(url, { waitUntil: 'domcontentloaded' });

    const outcome = await Promise.race([finished, timedOut, serverGone]);
    if (typeof outcome === 'number') {
      say(`tests finished with exit code ${outcome} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return outcome;
    }
    if (outcome === 'timeout') {
      const dir = join(REPO_ROOT, 'test-results');
      mkdirSync(dir, { recursive: true });
      const shot = join(dir, `harness-timeout-${new Date().toISOString().replace(/[:.]/g, '-')}.png`);
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.error(`[harness] timed out after ${timeoutMs} ms; screenshot: ${shot}`);
    } else {
      console.error(`[harness] code-server stopped unexpectedly (${outcome})`);
    }
    console.error(`[harness] last code-server output:\n${server.output().split('\n').slice(-40).join('\n')}`);
    return 1;
  } catch (error) {
    console.error(`[harness] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (server) console.error(`[harness] code-server output:\n${server.output()}`);
    return 1;
  } finally {
    await cleanup();
  }
}

const code = await main();
process.exit(code);
