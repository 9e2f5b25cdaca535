// Fault injection: every malformed document of issue 6's "Never break reading", in ONE store. Listing, showing and
// exporting must work for the whole store, and each assertion states exactly what is kept of each document.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from '../../../src/cli/commands';
import { RunIndex } from '../../../src/core/store/runIndex';
import { RunStore } from '../../../src/core/store/runStore';
import type { ReadableRun, RunEntry } from '../../../src/core/store/types';
import { makeRunDocument, tempStore } from '../../fixtures/runs';

const summary = { last: 0.5, min: 0.5, max: 0.5, count: 1, step: 0, time: 1 };

/** One run folder per fault, named by its last id digits; `text` is run.json exactly as written. */
const faults: Record<string, (id: string) => string> = {
  'metrics-null': (id) => doc(id, { metrics: { loss: null, acc: summary } }),
  'string-command': (id) => doc(id, { capture: { command: 'python train.py --lr 0.3' } }),
  'numeric-digest': (id) => doc(id, { datasets: [{ name: 'd', path: 'p', role: 'input', digest: 42 }] }),
  'missing-digest': (id) => doc(id, { datasets: [{ name: 'd', path: 'p', role: 'input' }] }),
  'null-dataset': (id) => doc(id, { datasets: [null, { name: 'kept', path: 'p', digest: 'sha256:ab' }] }),
  'numeric-tag': (id) => doc(id, { tags: { epoch: 3, ok: 'yes' } }),
  'deep-nesting': (id) =>
    doc(id, {}).replace(/}$/, `, "deep": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  bom: (id) => `\uFEFF${doc(id, {})}`,
  'proto-names': (id) =>
    `{"schema":1,"id":"${id}","status":"finished","startTime":"2026-11-01T00:00:00Z","metrics":{` +
    ['__proto__', 'constructor', 'toString'].map((k) => `"${k}":${JSON.stringify(summary)}`).join(',') +
    '}}',
  'wrong-status': (id) => doc(id, { status: 'exploded' }),
};

function doc(id: string, overrides: Record<string, unknown>): string {
  return JSON.stringify({ ...makeRunDocument({ id, startTime: '2026-11-01T00:00:00.000Z' }), ...overrides });
}

describe('fault injection: malformed run documents never break reading', () => {
  const root = tempStore();
  const ids: Record<string, string> = {};
  Object.entries(faults).forEach(([name, text], i) => {
    const id = `20261101-0000${String(i).padStart(2, '0')}-000-0000000${i.toString(16)}`;
    ids[name] = id;
    mkdirSync(join(root, 'runs', id));
    writeFileSync(join(root, 'runs', id, 'run.json'), text(id));
  });
  writeFileSync(join(root, 'runs', 'README.txt'), 'a stray file');

  let entries: Map<string, RunEntry>;
  before(async () => {
    const index = new RunIndex(new RunStore(root));
    await index.load();
    entries = new Map(index.list().map((entry) => [entry.id, entry]));
    index.dispose();
  });
  const run = (name: string): ReadableRun => {
    const entry = entries.get(ids[name]);
    assert.equal(entry?.kind, 'run', `${name}: ${entry?.kind === 'unreadable' ? entry.reason : 'missing'}`);
    return entry;
  };

  it('lists every run folder and nothing else (not README.txt)', () => {
    assert.deepEqual([...entries.keys()].sort(), Object.values(ids).sort());
  });

  it('keeps every summary but the null one', () => {
    assert.deepEqual(Object.keys(run('metrics-null').doc.metrics), ['acc']);
  });

  it('keeps a string command as a list of one', () => {
    assert.deepEqual(run('string-command').doc.capture.command, ['python train.py --lr 0.3']);
  });

  it('keeps datasets whatever their digest, as text, and skips null entries', () => {
    assert.equal(run('numeric-digest').doc.datasets[0].digest, '42');
    assert.equal(run('missing-digest').doc.datasets[0].digest, '');
    assert.deepEqual(
      run('null-dataset').doc.datasets.map((d) => d.name),
      ['kept'],
    );
  });

  it('keeps tag values as text', () => {
    assert.deepEqual({ ...run('numeric-tag').doc.tags }, { epoch: '3', ok: 'yes' });
  });

  it('reads 100k-deep nesting and a byte order mark', () => {
    assert.equal(run('deep-nesting').doc.status, 'finished');
    assert.equal(run('bom').doc.name, makeRunDocument({ id: ids.bom }).name);
  });

  it('keeps metrics named __proto__, constructor and toString as ordinary metrics', () => {
    const { metrics } = run('proto-names').doc;
    assert.deepEqual(Object.keys(metrics), ['__proto__', 'constructor', 'toString']);
    assert.ok(Object.values(metrics).every((m) => m.last === 0.5));
  });

  it('lists a document with an unknown status as unreadable, with its reason', () => {
    const entry = entries.get(ids['wrong-status']);
    assert.deepEqual(
      entry?.kind === 'unreadable' && entry.reason.split(' (')[0],
      'run.json has an unknown status "exploded"',
    );
  });

  it('runlog ls, show and export work on the whole store', async () => {
    let text = '';
    const out = { write: (chunk: string) => (text += chunk) };
    assert.equal(await commands.ls([], { store: root }, out), 0);
    assert.equal(text.trimEnd().split('\n').length, 1 + Object.keys(faults).length);
    for (const name of Object.keys(faults).filter((n) => n !== 'wrong-status')) {
      assert.equal(await commands.show([ids[name]], { store: root }, out), 0, name);
      assert.equal(await commands.export([ids[name]], { store: root, format: 'json' }, out), 0, name);
    }
  });
});
