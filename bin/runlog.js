#!/usr/bin/env node
// The `runlog` command line: a thin launcher for the bundled CLI (built by `npm run build`, also run by `npm ci`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundle = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(bundle)) {
  console.error('runlog: the CLI is not built yet. Run `npm run build` in ' + join(__dirname, '..'));
  process.exit(2);
}
require(bundle);
