import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsTail, readAllMetrics } from '../../../src/core/store/metricsReader';
import { tempStore, pointLine } from '../../fixtures/runs';

describe('metrics.jsonl reading', () => {
  it('reads only what was appended since the last read', async () => {
    const file = join(tempStore(), 'metrics.jsonl');
    const tail = new MetricsTail(file);
    assert.deepEqual(await tail.readNew(), [], 'a missing file has no points yet');
    appendFileSync(file, pointLine({ key: 'loss', value: 1, step: 0, time: 1 }));
    assert.deepEqual(
      (await tail.readNew()).map((p) => p.value),
      [1],
    );
    appendFileSync(file, pointLine({ key: 'loss', value: 0.5, step: 1, time: 2 }));
    assert.deepEqual(
      (await tail.readNew()).map((p) => p.value),
      [0.5],
    );
    assert.deepEqual(await tail.readNew(), []);
  });

  it('leaves a torn last line until its newline arrives', async () => {
    const file = join(tempStore(), 'metrics.jsonl');
    const line = pointLine({ key: 'acc', value: 0.9, step: 3, time: 5 });
    writeFileSync(file, line + line.slice(0, 17));
    const tail = new MetricsTail(file);
    assert.equal((await tail.readNew()).length, 1);
    appendFileSync(file, line.slice(17));
    const [point] = await tail.readNew();
    assert.deepEqual(point, { key: 'acc', value: 0.9, step: 3, time: 5 });
    assert.equal(tail.skippedLines, 0);
  });

  it('keeps NaN and infinities, and skips lines that are not points', async () => {
    const file = join(tempStore(), 'metrics.jsonl');
    writeFileSync(
      file,
      [
        '{"key": "loss", "value": "NaN", "step": 0, "time": 1}',
        '{"key": "loss", "value": "Infinity", "step": 1, "time": 1}',
        '{"key": "loss", "value": "-Infinity", "step": 2, "time": 1}',
        'garbage',
        '{"key": "loss", "value": "high", "step": 3, "time": 1}',
        '',
      ].join('\n'),
    );
    const tail = new MetricsTail(file);
    const values = (await tail.readNew()).map((p) => p.value);
    assert.ok(Number.isNaN(values[0]));
    assert.deepEqual(values.slice(1), [Infinity, -Infinity]);
    assert.equal(tail.skippedLines, 2);
  });

  it('starts over when the file is replaced by a shorter one', async () => {
    const file = join(tempStore(), 'metrics.jsonl');
    writeFileSync(file, pointLine({ key: 'a', value: 1, step: 0, time: 0 }).repeat(5));
    const tail = new MetricsTail(file);
    assert.equal((await tail.readNew()).length, 5);
    writeFileSync(file, pointLine({ key: 'b', value: 2, step: 0, time: 0 }));
    assert.deepEqual(
      (await tail.readNew()).map((p) => p.key),
      ['b'],
    );
  });

  it('groups a whole file by metric', async () => {
    const file = join(tempStore(), 'metrics.jsonl');
    writeFileSync(
      file,
      ['a', 'b', 'a'].map((key, step) => pointLine({ key, value: step, step, time: 0 })).join(''),
    );
    const byKey = await readAllMetrics(file);
    assert.deepEqual([...byKey.keys()], ['a', 'b']);
    assert.deepEqual(
      byKey.get('a')?.map((p) => p.step),
      [0, 2],
    );
  });
});
