// `npm run package`: production build, then dist/runlog.vsix with @vscode/vsce, offline.
// The extension bundles its dependencies with esbuild, so vsce runs with --no-dependencies.
// Fails when the .vsix holds anything but what runs (see scripts/vsix-contents.mjs and .vscodeignore).
//
//   node scripts/package.mjs [--skip-build]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listZip, vsixProblems } from './vsix-contents.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VSIX_PATH = join(root, 'dist', 'runlog.vsix');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`${[command, ...args].join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
}

/**
 * vsce turns README.md's relative links into absolute ones; it knows how for GitHub and GitLab repositories
 * only. For any other repository URL the bases are given the same shape (<repo>/blob/HEAD/, <repo>/raw/HEAD/).
 */
function linkBaseArgs() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const repo = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (!repo || /github\.com|gitlab\.com/.test(repo)) return [];
  const base = repo
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/\/$/, '');
  return ['--baseContentUrl', `${base}/blob/HEAD/`, '--baseImagesUrl', `${base}/raw/HEAD/`];
}

export function packageExtension({ build = true } = {}) {
  const started = Date.now();
  if (build) {
    console.log('[package] production build (node esbuild.mjs --production)');
    run(process.execPath, ['esbuild.mjs', '--production']);
  }
  rmSync(VSIX_PATH, { force: true });
  console.log(`[package] vsce package --no-dependencies --out ${relative(root, VSIX_PATH)}`);
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', VSIX_PATH, ...linkBaseArgs()]);

  const names = listZip(VSIX_PATH);
  console.log(
    `[package] ${relative(root, VSIX_PATH)} (${(statSync(VSIX_PATH).size / 1024).toFixed(1)} KiB):`,
  );
  for (const name of names) console.log(`  ${name}`);
  const problems = vsixProblems(names);
  if (problems.length > 0) {
    rmSync(VSIX_PATH, { force: true });
    throw new Error(`the package holds files it must not:\n  ${problems.join('\n  ')}`);
  }
  console.log(
    `[package] ${names.length} files, contents checked, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return VSIX_PATH;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    packageExtension({ build: !process.argv.includes('--skip-build') });
    if (!existsSync(VSIX_PATH)) throw new Error(`${VSIX_PATH} was not written`);
  } catch (error) {
    console.error(`[package] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
