import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands, CliError } from '../../src/cli/commands';
import { series, tempStore, writeRun } from '../fixtures/runs';

async function run(name: string, args: string[], options: Record<string, unknown>): Promise<string> {
  let text = '';
  const code = await commands[name](args, options, { write: (chunk: string) => (text += chunk) });
  assert.equal(code, 0);
  return text;
}

describe('the runlog CLI', () => {
  const store = tempStore();
  const baseline = writeRun(
    store,
    { name: 'baseline', experiment: 'train', startTime: '2026-11-01T10:00:00.000Z', params: { lr: 0.1 } },
    [...series('loss', [1, 0.5, NaN]), ...series('acc', [0.5, 0.75])],
  );
  writeRun(store, { name: 'tuned', status: 'failed', startTime: '2026-11-02T10:00:00.000Z' });
  mkdirSync(join(store, 'runs', '20261103-100000-000-0badf00d'));
  writeFileSync(join(store, 'runs', '20261103-100000-000-0badf00d', 'run.json'), '');

  it('lists runs newest first, unreadable ones with their reason', async () => {
    const lines = (await run('ls', [], { store })).trimEnd().split('\n');
    assert.match(lines[0], /^ID\s+NAME\s+EXPERIMENT\s+STATUS\s+DURATION\s+METRIC$/);
    assert.match(lines[1], /0badf00d\s+unreadable\s+run\.json is empty/);
    assert.match(lines[2], /tuned\s+train\s+failed/);
    assert.match(lines[3], /baseline\s+train\s+finished\s+12s\s+loss=NaN/);
  });

  it('lists runs as JSON for scripts', async () => {
    const runs = JSON.parse(await run('ls', [], { store, json: true })) as Array<Record<string, unknown>>;
    assert.equal(runs.length, 3);
    assert.deepEqual(runs[2].params, { lr: 0.1 });
    assert.deepEqual(runs[2].metrics, { loss: 'NaN', acc: 0.75 });
    assert.equal(runs[0].unreadable, 'run.json is empty (a write was cut off)');
  });

  it('shows one run by name or id suffix', async () => {
    const text = await run('show', ['baseline'], { store });
    assert.match(text, /^baseline {2}\(/);
    assert.match(text, /lr\s+0\.1/);
    assert.match(text, /acc\s+0\.75\s+0\.5\s+0\.75\s+2/);
    const json = JSON.parse(await run('show', [baseline.id.slice(-8)], { store, json: true })) as {
      id: string;
    };
    assert.equal(json.id, baseline.id);
  });

  it('exports metric points as CSV and everything as JSON, NaN kept', async () => {
    const csv = await run('export', ['baseline'], { store, format: 'csv' });
    assert.equal(csv.split('\n')[0], 'key,step,value,time');
    assert.match(csv, /^loss,2,NaN,\d+$/m);
    assert.equal(csv.trimEnd().split('\n').length, 6);
    const file = join(store, 'export.json');
    await run('export', ['baseline'], { store, format: 'json', output: file });
    const exported = JSON.parse(readFileSync(file, 'utf8')) as {
      run: { name: string };
      metrics: Record<string, unknown[]>;
    };
    assert.equal(exported.run.name, 'baseline');
    assert.equal(exported.metrics.acc.length, 2);
  });

  it('says what is wrong with a call', async () => {
    const fails = (name: string, args: string[], options: Record<string, unknown>, pattern: RegExp) =>
      assert.rejects(commands[name](args, options, { write: () => undefined }), (error: unknown) => {
        assert.ok(error instanceof CliError);
        assert.match(error.message, pattern);
        return true;
      });
    await fails('show', ['nope'], { store }, /no run matches "nope"/);
    await fails('show', ['2026110'], { store }, /matches 3 runs/);
    await fails('export', ['baseline'], { store, format: 'xml' }, /csv or json/);
    await fails('show', [], { store }, /which run/);
  });
});
