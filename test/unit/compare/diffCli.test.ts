import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, commands } from '../../../src/cli/commands';
import { series, tempStore, writeRun } from '../../fixtures/runs';

describe('runlog diff', () => {
  let store: string;
  beforeEach(() => {
    store = tempStore();
    writeRun(
      store,
      { name: 'base', startTime: '2026-01-01T00:00:00Z', params: { lr: 0.1, epochs: 5, opt: 'sgd' } },
      [...series('loss', [1, 0.5]), ...series('acc', [0.5, 0.8])],
    );
    writeRun(
      store,
      { name: 'tuned', startTime: '2026-01-02T00:00:00Z', params: { lr: 0.01, epochs: 5, opt: 'sgd' } },
      [...series('loss', [1, 0.25]), ...series('acc', [0.5, 0.7])],
    );
  });
  afterEach(() => rmSync(dirname(store), { recursive: true, force: true }));

  async function diff(args: string[], options: Record<string, unknown> = {}): Promise<string> {
    let text = '';
    const code = await commands.diff(
      args,
      { store, ...options },
      { write: (chunk: string) => (text += chunk) },
    );
    assert.equal(code, 0);
    return text;
  }

  it('prints the params that differ and the metrics with changes against the first run', async () => {
    const text = await diff(['base', 'tuned']);
    assert.match(text, /^runs\n {2}A {2}base .* finished .*baseline\n {2}B {2}tuned/);
    assert.match(
      text,
      /params that differ \(2 the same, --all shows them\)\n {6}A {4}B\n {2}lr {2}0\.1 {2}0\.01\n/,
    );
    assert.match(text, /acc {3}max\? {2}0\.8 {2}0\.7 \(-0\.1, -12\.5%, worse\)/);
    assert.match(text, /loss {2}min\? {2}0\.5 {2}0\.25 \(-0\.25, -50%, better\)/);
  });

  it('shows every param with --all', async () => {
    const text = await diff(['base', 'tuned'], { all: true });
    assert.match(text, /\n {2}epochs {2}5 {4}5\n/);
    assert.match(text, /\* lr/);
  });

  it('prints JSON for scripts', async () => {
    const json = JSON.parse(await diff(['tuned', 'base'], { json: true })) as {
      baseline: string;
      params: { name: string; values: unknown[] }[];
      metrics: { name: string; best: string; values: { last: number; verdict: string | null }[] }[];
    };
    const [tuned, base] = (
      JSON.parse(await diff(['tuned', 'base'], { json: true })) as { runs: { id: string }[] }
    ).runs;
    assert.equal(json.baseline, tuned.id);
    assert.deepEqual(json.params.find((p) => p.name === 'lr')?.values, [0.01, 0.1]);
    const loss = json.metrics.find((m) => m.name === 'loss')!;
    assert.equal(loss.best, tuned.id);
    assert.deepEqual(
      loss.values.map((v) => [v.last, v.verdict]),
      [
        [0.25, null],
        [0.5, 'worse'],
      ],
    );
    assert.ok(base.id);
  });

  /** The workspace's .vscode/settings.json (the folder holding the store). */
  function settings(text: string): string {
    const dir = join(dirname(store), '.vscode');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'settings.json'), text);
    return join(dir, 'settings.json');
  }

  it('reads runlog.metricGoals from .vscode/settings.json (comments, trailing commas) and says which were set', async () => {
    const file = settings(`{
      // goals for this project
      "editor.tabSize": 2,
      /* acc is an error rate here */
      "runlog.metricGoals": { "acc": "min", },
    }`);
    const text = await diff(['base', 'tuned'], { cwd: '/' });
    assert.match(text, /acc {3}min {3}0\.8 {2}0\.7 \(-0\.1, -12\.5%, better\)/);
    assert.match(text, /loss {2}min\? {2}/);
    assert.ok(text.includes(`goals set by ${file}: acc=min\n`), text);
    assert.match(text, /goals guessed from the name \("\?"\): loss=min\n/);
    const json = JSON.parse(await diff(['base', 'tuned'], { json: true, cwd: '/' })) as {
      metrics: { name: string; goal: string; goalSource: string; goalSetBy?: string }[];
    };
    assert.deepEqual(
      json.metrics.map((m) => [m.name, m.goal, m.goalSource, m.goalSetBy]),
      [
        ['acc', 'min', 'setting', file],
        ['loss', 'min', 'guess', undefined],
      ],
    );
  });

  it('lets --goal win over the settings file', async () => {
    settings('{ "runlog.metricGoals": { "acc": "min", "loss": "min" } }');
    const text = await diff(['base', 'tuned'], { goal: ['acc=max', 'loss=MAX'], cwd: '/' });
    assert.match(text, /acc {3}max {3}0\.8 {2}0\.7 \(-0\.1, -12\.5%, worse\)/);
    assert.match(text, /loss {2}max {3}0\.5 {2}0\.25 \(-0\.25, -50%, worse\)/);
    assert.match(text, /goals set by --goal: acc=max, loss=max\n/);
    assert.doesNotMatch(text, /guessed/);
  });

  it('refuses a malformed --goal with an example', async () => {
    await assert.rejects(
      diff(['base', 'tuned'], { goal: ['acc=up'] }),
      (e: unknown) => e instanceof CliError && /--goal acc=up: expected name=min or name=max/.test(e.message),
    );
  });

  it('says where a malformed settings file is wrong and guesses the goals', async () => {
    const file = settings('{\n  "runlog.metricGoals": { "acc": "min" \n  "other": 1\n}');
    const warnings: string[] = [];
    const text = await diff(['base', 'tuned'], { cwd: '/', warn: (m: string) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.ok(
      warnings[0].startsWith(`${file} is not valid JSON with comments: CommaExpected at line 3`),
      warnings[0],
    );
    assert.match(warnings[0], /ignoring its runlog\.metricGoals/);
    assert.match(text, /acc {3}max\? {2}0\.8/);
    assert.match(text, /goals guessed from the name \("\?"\): acc=max, loss=min\n/);
  });

  it('reports goal values other than min and max, and uses the rest', async () => {
    settings('{ "runlog.metricGoals": { "acc": "higher", "loss": "min" } }');
    const warnings: string[] = [];
    const text = await diff(['base', 'tuned'], { cwd: '/', warn: (m: string) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /runlog\.metricGoals\["acc"\] is "higher"; use "min" or "max"/);
    assert.match(text, /loss {2}min {3}0\.5/);
    assert.match(text, /acc {3}max\? {2}/);
  });

  it('works from the bundled command line (the settings parser survives bundling)', async function () {
    this.timeout(60_000);
    const { build } = await import('esbuild');
    const out = mkdtempSync(join(tmpdir(), 'runlog-cli-bundle-'));
    try {
      // As esbuild.mjs bundles dist/cli.js.
      await build({
        entryPoints: ['src/cli/main.ts'],
        outfile: join(out, 'cli.js'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['vscode', 'fsevents'],
        define: { VERSION: '"test"' },
        logLevel: 'silent',
      });
      settings('{ "runlog.metricGoals": { "acc": "min", }, // JSONC\n}');
      const text = execFileSync(
        process.execPath,
        [join(out, 'cli.js'), 'diff', 'base', 'tuned', '--store', store, '--goal', 'loss=max'],
        { encoding: 'utf8', cwd: out },
      );
      assert.match(text, /goals set by .*settings\.json: acc=min\n/);
      assert.match(text, /goals set by --goal: loss=max\n/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('needs two runs that exist', async () => {
    await assert.rejects(
      diff(['base']),
      (e: unknown) => e instanceof CliError && /at least two runs/.test(e.message),
    );
    await assert.rejects(diff(['base', 'nope']), /no run matches "nope"/);
  });
});
