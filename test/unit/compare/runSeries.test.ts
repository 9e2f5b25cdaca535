import assert from 'node:assert/strict';
import { appendFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { prepareComparison, RunSeries } from '../../../src/core/compare';
import { pointLine, series, tempStore, writeRun } from '../../fixtures/runs';

describe('compare: run series read from metrics.jsonl', () => {
  let store: string;
  beforeEach(() => (store = tempStore()));
  afterEach(() => rmSync(dirname(store), { recursive: true, force: true }));

  it('reads every metric into columns, then only what is appended', async () => {
    const doc = writeRun(store, {}, [...series('loss', [3, 2, 1]), ...series('acc', [0.1, 0.2])]);
    const file = join(store, 'runs', doc.id, 'metrics.jsonl');
    const reader = new RunSeries(doc.id, file);
    assert.deepEqual((await reader.refresh()).sort(), ['acc', 'loss']);
    assert.equal(reader.get('loss')?.length, 3);
    assert.deepEqual(await reader.refresh(), [], 'nothing new');
    appendFileSync(file, pointLine({ key: 'loss', value: 0.5, step: 3, time: 5 }) + '{"key": "loss", "val');
    assert.deepEqual(await reader.refresh(), ['loss']);
    assert.equal(reader.get('loss')?.length, 4, 'the half-written line waits');
    appendFileSync(file, 'ue": 0.4, "step": 4}\nnot json\n');
    await reader.refresh();
    assert.equal(reader.get('loss')?.value[4], 0.4);
    assert.equal(reader.skippedLines, 1);
  });

  it('reads nothing, without error, for a run with no metrics file', async () => {
    const doc = writeRun(store, {});
    const reader = new RunSeries(doc.id, join(store, 'runs', doc.id, 'metrics.jsonl'));
    assert.deepEqual(await reader.refresh(), []);
    assert.deepEqual(reader.keys(), []);
  });

  it('prepares a comparison: tables, and one chart per metric with a series per run', async () => {
    const a = writeRun(store, { name: 'a', params: { lr: 0.1 } }, series('loss', [3, 2, 1]));
    const b = writeRun(store, { name: 'b', params: { lr: 0.2 } }, series('loss', [4, 1.5]));
    const readers = new Map<string, RunSeries>();
    for (const doc of [a, b]) {
      const reader = new RunSeries(doc.id, join(store, 'runs', doc.id, 'metrics.jsonl'));
      await reader.refresh();
      readers.set(doc.id, reader);
    }
    const comparison = prepareComparison([a, b], (id, key) => readers.get(id)?.get(key), { baseline: 1 });
    assert.equal(comparison.baseline, 1);
    assert.deepEqual(
      comparison.runs.map((r) => r.name),
      ['a', 'b'],
    );
    assert.equal(comparison.params[0].differs, true);
    assert.equal(comparison.metrics[0].cells[0].verdictLast, 'better');
    assert.equal(comparison.charts.length, 1);
    assert.deepEqual(
      comparison.charts[0].series.map((s) => [s.runId, s.y]),
      [
        [a.id, [3, 2, 1]],
        [b.id, [4, 1.5]],
      ],
    );
  });

  it('clamps a baseline out of range', () => {
    const doc = writeRun(store, {});
    assert.equal(prepareComparison([doc], () => undefined, { baseline: 9 }).baseline, 0);
    assert.equal(prepareComparison([doc], () => undefined, { baseline: -1 }).baseline, 0);
  });
});
