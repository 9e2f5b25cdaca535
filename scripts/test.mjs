// `npm test`: every check and test layer of Runlog, in order, each run even when an earlier one failed:
//
//   system deps · code-server · lint · typecheck · build · unit · python · integration · e2e
//
// then a summary per layer with the test counts read from each runner's output, and a last line
// `N passed, N failed` (tests of all layers; a check layer that fails, or a test layer that fails
// without reporting a failing test, counts as one failure). Exits non-zero if any layer failed.
//
// Environment: RUNLOG_TEST_LAYERS=unit,integration (only those layers), RUNLOG_LAYER_TIMEOUT_MIN (default 20).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const node = process.execPath;

function hasFiles(dir, suffix) {
  if (!existsSync(dir)) return false;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory() ? hasFiles(full, suffix) : name.endsWith(suffix)) return true;
  }
  return false;
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/** mocha's spec reporter: "N passing", "N failing", "N pending" (the last of each). */
function parseMocha(output) {
  const last = (re) => {
    const all = [...output.matchAll(re)];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  };
  const passed = last(/^\s*(\d+) passing/gm);
  const failed = last(/^\s*(\d+) failing/gm);
  const skipped = last(/^\s*(\d+) pending/gm);
  if (passed === undefined && failed === undefined) return undefined;
  return { passed: passed ?? 0, failed: failed ?? 0, skipped: skipped ?? 0 };
}

/** Python unittest: "Ran N tests" then "OK (skipped=…)" or "FAILED (failures=…, errors=…, skipped=…)". */
function parseUnittest(output) {
  const ran = [...output.matchAll(/^Ran (\d+) tests? in /gm)].pop();
  if (!ran) return undefined;
  const total = Number(ran[1]);
  const tail = output.slice(ran.index);
  const field = (name) => Number(new RegExp(`\\b${name}=(\\d+)`).exec(tail)?.[1] ?? 0);
  const failed = /^FAILED\b/m.test(tail)
    ? field('failures') + field('errors') + field('unexpected successes')
    : 0;
  const skipped = field('skipped') + field('expected failures');
  return { passed: Math.max(0, total - failed - skipped), failed, skipped };
}

const layers = [
  { name: 'system deps', command: 'bash', args: ['scripts/ensure-system-deps.sh'] },
  { name: 'code-server', command: node, args: ['scripts/install-code-server.mjs'] },
  { name: 'lint', command: npm, args: ['run', 'lint'] },
  { name: 'typecheck', command: npm, args: ['run', 'typecheck'] },
  { name: 'build', command: npm, args: ['run', 'build'] },
  {
    name: 'unit',
    command: npm,
    args: ['run', 'test:unit'],
    parse: parseMocha,
    skip: () =>
      hasFiles(join(root, 'test', 'unit'), '.test.ts') ? undefined : 'no test/unit/**/*.test.ts yet',
  },
  {
    name: 'python',
    command: npm,
    args: ['run', 'test:python'],
    parse: parseUnittest,
    skip: () => (existsSync(join(root, 'src', 'python', 'tests')) ? undefined : 'no src/python/tests yet'),
  },
  {
    name: 'integration',
    command: node,
    args: ['scripts/test-integration.mjs'],
    env: { RUNLOG_SKIP_BUILD: '1' },
    parse: parseMocha,
  },
  { name: 'e2e', command: node, args: ['scripts/test-e2e.mjs'], parse: parseMocha },
];

function runLayer(layer) {
  const timeoutMs = Number(process.env.RUNLOG_LAYER_TIMEOUT_MIN || 20) * 60_000;
  return new Promise((resolve) => {
    const started = Date.now();
    let output = '';
    const child = spawn(layer.command, layer.args, {
      cwd: root,
      env: { ...process.env, ...layer.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (stream) => (chunk) => {
      stream.write(chunk);
      output += chunk;
    };
    child.stdout.on('data', take(process.stdout));
    child.stderr.on('data', take(process.stderr));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`[test] ${layer.name}: no result after ${timeoutMs / 60_000} min, stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    child.on('error', (error) => {
      output += String(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: timedOut ? 124 : (code ?? (signal ? 128 : 1)),
        output,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

/** "VS Code 1.100.3 (code-server 4.100.3) … Chromium 156.0.…" as printed by the harness and the e2e fixture. */
function hostNote(output) {
  const match = /VS Code (\d+\.\d+\.\d+) \(code-server ([\d.]+)\).*?Chromium ([\d.]+)/.exec(output);
  return match ? `VS Code ${match[1]} (code-server ${match[2]}), Chromium ${match[3]}` : '';
}

async function main() {
  const only = process.env.RUNLOG_TEST_LAYERS?.split(',').map((s) => s.trim());
  // out/ holds only generated test bundles; start from none, so stale ones are neither linted nor run.
  rmSync(join(root, 'out'), { recursive: true, force: true });
  const results = [];
  const started = Date.now();
  for (const layer of layers) {
    if (only && !only.includes(layer.name)) continue;
    const skipReason = layer.skip?.();
    console.log(`\n===== ${layer.name} ${'='.repeat(Math.max(0, 60 - layer.name.length))}`);
    if (skipReason) {
      console.log(`[test] ${layer.name}: skipped (${skipReason})`);
      results.push({ layer, status: 'skipped', note: skipReason, seconds: 0 });
      continue;
    }
    console.log(`$ ${[layer.command === node ? 'node' : layer.command, ...layer.args].join(' ')}`);
    const run = await runLayer(layer);
    const output = stripAnsi(run.output);
    const counts = layer.parse?.(output);
    let failed = counts?.failed ?? 0;
    if (run.code !== 0 && failed === 0) failed = 1; // failed without naming a failing test
    const note = [hostNote(output), run.code === 124 ? 'timed out' : ''].filter(Boolean).join('; ');
    results.push({
      layer,
      status: run.code === 0 ? 'ok' : 'FAILED',
      passed: counts?.passed ?? 0,
      failed,
      skipped: counts?.skipped ?? 0,
      counted: Boolean(counts),
      seconds: run.seconds,
      note,
    });
  }

  const pad = (text, width) => String(text).padEnd(width);
  const padLeft = (text, width) => String(text).padStart(width);
  console.log(`\n===== summary ${'='.repeat(54)}`);
  console.log(
    `${pad('layer', 13)}${pad('result', 9)}${padLeft('passed', 7)}${padLeft('failed', 7)}${padLeft('skipped', 8)}${padLeft('time', 9)}  notes`,
  );
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    const tests = r.layer.parse && r.status !== 'skipped';
    passed += r.passed ?? 0;
    failed += r.failed ?? 0;
    console.log(
      `${pad(r.layer.name, 13)}${pad(r.status, 9)}` +
        `${padLeft(tests || r.failed ? r.passed : '', 7)}${padLeft(tests || r.failed ? r.failed : '', 7)}` +
        `${padLeft(tests ? r.skipped : '', 8)}${padLeft(r.seconds ? `${r.seconds.toFixed(1)}s` : '', 9)}  ${r.note ?? ''}`,
    );
  }
  const anyFailed = results.some((r) => r.status === 'FAILED');
  console.log(
    `total time ${((Date.now() - started) / 1000).toFixed(1)}s${anyFailed ? '; some layers FAILED' : ''}`,
  );
  console.log(`${passed} passed, ${failed} failed`);
  return anyFailed ? 1 : 0;
}

process.exit(await main());
