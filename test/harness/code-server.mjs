// Shared pieces for running Runlog inside a real VS Code on a machine without desktop VS Code:
// code-server (VS Code 1.100.3 server + web workbench) driven by Debian's Chromium through playwright-core.
// Used by the integration-test harness (test/harness/code-server-vscode), the e2e fixture
// (test/e2e/workbench.ts) and `npm start` (scripts/start.mjs). Types: code-server.d.mts.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL, URLSearchParams } from 'node:url';
import { ensureCodeServer } from '../../scripts/install-code-server.mjs';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM_PATH = process.env.RUNLOG_CHROMIUM || '/usr/bin/chromium';
// As root Chromium needs --no-sandbox; the rest keeps it off the (closed) network and the GPU.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Settings every workbench we start gets: quiet, deterministic, no network, no telemetry. */
export const SEEDED_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'window.restoreWindows': 'none',
};

/** Writes <userDataDir>/User/settings.json (seeded settings plus `extra`). */
export function seedUserSettings(userDataDir, extra = {}) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...SEEDED_SETTINGS, ...extra }, null, 2) + '\n');
}

/** Versions of the installed code-server and the VS Code inside it. */
export function codeServerVersions() {
  const pkgDir = dirname(dirname(dirname(ensureCodeServer())));
  const codeServer = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const vscode = JSON.parse(readFileSync(join(pkgDir, 'lib', 'vscode', 'package.json'), 'utf8')).version;
  return { codeServer, vscode };
}

export function makeTempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `vscode-remote://127.0.0.1:PORT/abs/path`: how the web client names a path on the server. */
export function remoteUri(port, absPath) {
  return `vscode-remote://127.0.0.1:${port}${pathToFileURL(absPath).pathname}`;
}

/**
 * The workbench page's URL. `payload` is a list of [key, value] pairs the web client reads
 * (extensionDevelopmentPath, extensionTestsPath, skipWelcome, …).
 */
export function workbenchUrl({ port, folder, workspace, payload }) {
  const params = new URLSearchParams();
  if (workspace) params.set('workspace', workspace);
  else if (folder) params.set('folder', folder);
  if (payload && payload.length > 0) params.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${params.toString()}`;
}

function codeServerEnv(extraEnv) {
  const env = { ...process.env, ...extraEnv, EXTENSIONS_GALLERY: '{}', VSCODE_IPC_HOOK_CLI: '' };
  // Never let a surrounding VS Code / Electron session leak into the server.
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') && key !== 'VSCODE_IPC_HOOK_CLI') delete env[key];
    if (key === 'ELECTRON_RUN_AS_NODE') delete env[key];
    // code-server reads these itself (PORT would override --bind-addr).
    if (key === 'PORT' || key === 'PASSWORD' || key === 'HASHED_PASSWORD' || key.startsWith('CODE_SERVER_')) {
      delete env[key];
    }
  }
  return env;
}

function writeConfig(configPath) {
  mkdirSync(dirname(configPath), { recursive: true });
  writeFileSync(configPath, 'auth: none\ncert: false\n');
}

/** Runs `code-server --install-extension <vsix>` into extensionsDir. */
export async function installVsix({ vsixPath, extensionsDir, userDataDir }) {
  const bin = ensureCodeServer();
  const config = join(userDataDir, 'code-server-config.yaml');
  writeConfig(config);
  const args = [
    bin,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--config',
    config,
    '--install-extension',
    vsixPath,
    '--force',
  ];
  const child = spawn(process.execPath, args, { env: codeServerEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`code-server --install-extension ${vsixPath} failed (${code}):\n${output}`);
  return output;
}

/** True when nothing listens on 127.0.0.1:port. */
export function isPortFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Starts code-server and resolves once it listens. Options: userDataDir, extensionsDir (both
 * created if missing), port (0 = any free one), env (added to the server's environment, which is
 * also the extension host's), folder (opened when the page gives no ?folder=), onOutput(line).
 */
export async function startCodeServer(options) {
  const bin = ensureCodeServer();
  const userDataDir = options.userDataDir;
  const extensionsDir = options.extensionsDir;
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const config = join(userDataDir, 'code-server-config.yaml');
  writeConfig(config);
  const args = [
    bin,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${options.port ?? 0}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--config',
    config,
  ];
  if (options.folder) args.push(options.folder);
  // Its own process group, so stop() also ends the server's child processes (extension host, pty host…).
  const child = spawn(process.execPath, args, {
    env: codeServerEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines = [];
  let exited = false;
  let onListening;
  const listening = new Promise((resolve, reject) => {
    onListening = { resolve, reject };
  });
  const take = (chunk) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 2000) lines.shift();
      options.onOutput?.(line);
      const match = /HTTP server listening on https?:\/\/[^:]+:(\d+)/.exec(line);
      if (match) onListening.resolve(Number(match[1]));
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exitedPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      onListening.reject(
        new Error(`code-server exited (${code ?? signal}) before listening:\n${lines.slice(-40).join('\n')}`),
      );
      resolve(code ?? 1);
    });
  });

  const stop = async () => {
    if (exited) return;
    const kill = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), 3000);
    await exitedPromise;
    clearTimeout(timer);
    kill('SIGKILL'); // stragglers in the group
  };

  const startTimeout = setTimeout(
    () => onListening.reject(new Error(`code-server did not listen within 60 s:\n${lines.join('\n')}`)),
    60_000,
  );
  let port;
  try {
    port = await listening;
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(startTimeout);
  }
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid,
    output: () => lines.join('\n'),
    exited: exitedPromise,
    stop,
  };
}

/** Launches Debian's Chromium through playwright-core (never a downloaded browser). */
export async function launchChromium({ headless = true } = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: run scripts/ensure-system-deps.sh (Debian package chromium)`,
    );
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless, args: CHROMIUM_ARGS });
}

/**
 * Waits until the activity-bar entry titled `title` is shown AND its icon has been loaded: the entry exists as
 * soon as the extension is registered, but its icon (a CSS mask fetched from the server) paints later.
 * Fails when the icon cannot be fetched (e.g. missing from the package). Resolves with the icon's URL.
 */
/* global getComputedStyle, fetch, performance, requestAnimationFrame -- used in page.evaluate() callbacks */
export async function waitForActivityBarIcon(page, title, timeout = 60_000) {
  const link = page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`).first();
  await link.waitFor({ state: 'visible', timeout });
  const handle = await link.elementHandle();
  const iconUrl = await page.evaluate(async (a) => {
    const style = getComputedStyle(a);
    const css = style.webkitMaskImage || style.maskImage || style.backgroundImage || '';
    const match = /url\("?([^")]+)"?\)/.exec(css);
    if (!match) return ''; // a codicon (font glyph), nothing to load
    const response = await fetch(match[1]);
    if (!response.ok) throw new Error(`icon ${match[1]}: HTTP ${response.status}`);
    return match[1];
  }, handle);
  if (iconUrl) {
    // The CSS mask's own load shows up in the resource timings once it is done.
    await page.waitForFunction(
      (url) =>
        performance.getEntriesByType('resource').some((e) => e.name === url && e.initiatorType !== 'fetch'),
      iconUrl,
      { timeout },
    );
  }
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))),
  );
  return iconUrl;
}

/** Removes a folder, ignoring errors (temp dirs at the end of a run). */
export function removeDir(dir) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort
  }
}
