// Builds every bundle Runlog ships:
//   dist/extension.js      the extension (Node, CommonJS, `vscode` external)
//   dist/cli.js            the `runlog` command line (Node, CommonJS)
//   dist/webview/*.js      the webview UIs (browser, IIFE)
//   dist/python/runlog/    the Python client, shipped inside the .vsix so tracked runs need no install
// Flags: --watch (rebuild on change), --production (minified, no source maps).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const shared = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

const builds = [
  {
    ...shared,
    entryPoints: { extension: 'src/extension/main.ts', cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'fsevents'],
    define: { VERSION: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
  },
  {
    ...shared,
    entryPoints: { details: 'webview/details/main.ts', datasetDiff: 'webview/datasetDiff/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css' },
  },
];

function copyPythonClient() {
  const target = join(root, 'dist/python');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(join(root, 'src/python'), target, {
    recursive: true,
    filter: (src) => !/__pycache__|\.egg-info|[\\/](tests|bench)([\\/]|$)|\.pyc$/.test(src),
  });
}

const pythonCopy = {
  name: 'copy-python-client',
  setup(build) {
    build.onEnd(() => copyPythonClient());
  },
};
builds[0].plugins = [pythonCopy];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('[runlog] watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
