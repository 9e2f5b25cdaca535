// Installs code-server (a real VS Code build: server + web workbench) into <repo>/.cache/code-server,
// once. The integration tests, the e2e tests and `npm start` run the extension inside it.
//
//   node scripts/install-code-server.mjs     installs if needed, prints the binary's path
//   import { ensureCodeServer } from './install-code-server.mjs'
//
// code-server 4.100.3 is VS Code 1.100.3 and runs on Node 20. Its install needs a few nudges on a
// machine that reaches only the npm registry and Debian (see docs in shared/real-vscode-testing.md):
//   - npm_config_unsafe_perm=true  its postinstall refuses to run as root otherwise
//   - npm_config_yes=true          node-pty's postinstall runs `npx node-gyp`, which must not prompt
//   - @vscode/ripgrep would download rg from GitHub; Debian's /usr/bin/rg is put into the cache
//     folder that package reads first
//   - libkrb5-dev (for `kerberos`) comes from scripts/ensure-system-deps.sh
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const installDir = join(repoRoot, '.cache', 'code-server');
const marker = join(installDir, '.installed-version');
const lockDir = join(installDir, '.install-lock');

// The version of @vscode/ripgrep that code-server 4.100.3 depends on, and the rg build it asks for.
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Path of the code-server executable (a Node script with a shebang). */
export function codeServerBinary() {
  return join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function isCodeServerInstalled() {
  if (!existsSync(codeServerBinary()) || !existsSync(marker)) return false;
  return readFileSync(marker, 'utf8').trim() === CODE_SERVER_VERSION;
}

function log(message) {
  console.log(`[runlog] ${message}`);
}

function seedRipgrepCache() {
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  const tarball = join(cacheDir, RIPGREP_ASSET);
  if (existsSync(tarball) && statSync(tarball).size > 0) return;
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => existsSync(p));
  if (!rg) {
    throw new Error('ripgrep (rg) is not installed; run scripts/ensure-system-deps.sh first');
  }
  mkdirSync(cacheDir, { recursive: true });
  const tar = spawnSync('tar', ['czf', tarball, '-C', dirname(rg), 'rg'], { stdio: 'inherit' });
  if (tar.status !== 0) throw new Error(`could not create ${tarball}`);
}

function acquireLock() {
  // Two test commands started side by side must not install at the same time.
  mkdirSync(installDir, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      // A lock older than 15 minutes belongs to a process that died.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 15 * 60_000)
          rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // gone in the meantime
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
}

/** Installs code-server unless the cached install is already there; returns the binary's path. */
export function ensureCodeServer() {
  if (isCodeServerInstalled()) return codeServerBinary();
  acquireLock();
  try {
    if (isCodeServerInstalled()) return codeServerBinary();
    log(`installing code-server ${CODE_SERVER_VERSION} into .cache/code-server (1–2 min, once)…`);
    const started = Date.now();
    seedRipgrepCache();
    rmSync(marker, { force: true });
    // A package.json of its own, so npm does not climb up to the repository's package.json.
    writeFileSync(
      join(installDir, 'package.json'),
      JSON.stringify(
        { name: 'runlog-code-server-cache', private: true, description: 'git-ignored' },
        null,
        2,
      ) + '\n',
    );
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(
      npm,
      [
        'install',
        `code-server@${CODE_SERVER_VERSION}`,
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--loglevel=error',
      ],
      {
        cwd: installDir,
        stdio: 'inherit',
        env: {
          ...process.env,
          npm_config_unsafe_perm: 'true',
          npm_config_yes: 'true',
          // Keep the repository's own npm settings (lockfile options etc.) out of this install.
          npm_config_save: 'false',
        },
      },
    );
    if (result.status !== 0) {
      throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${result.status})`);
    }
    if (!existsSync(codeServerBinary())) {
      throw new Error(`code-server installed but ${codeServerBinary()} is missing`);
    }
    writeFileSync(marker, CODE_SERVER_VERSION + '\n');
    log(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return codeServerBinary();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const bin = ensureCodeServer();
    log(`code-server ${CODE_SERVER_VERSION}: ${bin}`);
  } catch (error) {
    console.error(`[runlog] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
