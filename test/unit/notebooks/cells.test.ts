import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cellRecordOf,
  MAX_PREVIEW_CHARS,
  MAX_SOURCE_CHARS,
  sourceHash,
  summarizeOutputs,
  type CellExecutionInput,
} from '../../../src/core/notebooks/cellRecord';
import {
  appendCellRecords,
  changedCells,
  parseCellRecords,
  readCellRecords,
} from '../../../src/core/notebooks/cells';

const text = (value: string) => new TextEncoder().encode(value);

export function execution(overrides: Partial<CellExecutionInput> = {}): CellExecutionInput {
  return {
    cell: 'c1',
    index: 0,
    order: 1,
    source: 'x = 1',
    language: 'python',
    startMs: Date.parse('2026-11-22T06:00:00.000Z'),
    endMs: Date.parse('2026-11-22T06:00:01.250Z'),
    success: true,
    outputs: [],
    ...overrides,
  };
}

describe('notebook cell records', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'runlog-cells-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('record a cell execution with hash, times, duration and status', () => {
    const record = cellRecordOf(execution());
    assert.equal(record.hash, sourceHash('x = 1'));
    assert.match(record.hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(record.start, '2026-11-22T06:00:00.000Z');
    assert.equal(record.end, '2026-11-22T06:00:01.250Z');
    assert.equal(record.durationMs, 1250);
    assert.equal(record.success, true);
    assert.equal(record.order, 1);
    assert.equal(cellRecordOf(execution({ success: undefined, order: undefined })).success, null);
  });

  it('summarise outputs: kinds, sizes, a short preview and the error, never a copy of an image', () => {
    const png = new Uint8Array(3_000_000);
    const summary = summarizeOutputs([
      [{ mime: 'application/vnd.code.notebook.stdout', data: text('epoch 1\n') }],
      [
        { mime: 'image/png', data: png },
        { mime: 'text/plain', data: text('<Figure size 640x480>') },
      ],
      [
        {
          mime: 'application/vnd.code.notebook.error',
          data: text(JSON.stringify({ name: 'ValueError', message: 'bad lr', stack: 'Traceback…' })),
        },
      ],
    ]);
    assert.deepEqual(summary.kinds, ['stdout', 'image/png', 'text/plain', 'error']);
    assert.equal(summary.bytes, 8 + 3_000_000 + '<Figure size 640x480>'.length + summary.items[3].size);
    assert.deepEqual(summary.items[1], { mime: 'image/png', size: 3_000_000 });
    assert.equal(summary.preview, 'epoch 1\n<Figure size 640x480>');
    assert.deepEqual(summary.error, { name: 'ValueError', message: 'bad lr' });
    assert.ok(JSON.stringify(summary).length < 1000);
  });

  it('cut huge text outputs and sources', () => {
    const huge = 'y'.repeat(5_000_000);
    const record = cellRecordOf(
      execution({
        source: 'z'.repeat(MAX_SOURCE_CHARS + 10),
        outputs: [[{ mime: 'application/vnd.code.notebook.stdout', data: text(huge) }]],
      }),
    );
    assert.equal(record.outputs.preview?.length, MAX_PREVIEW_CHARS);
    assert.equal(record.outputs.bytes, 5_000_000);
    assert.equal(record.source.length, MAX_SOURCE_CHARS);
    assert.equal(record.sourceTruncated, true);
    assert.equal(record.hash, sourceHash('z'.repeat(MAX_SOURCE_CHARS + 10)));
  });

  it('name an unreadable error output instead of failing', () => {
    const summary = summarizeOutputs([
      [{ mime: 'application/vnd.code.notebook.error', data: text('{oops') }],
    ]);
    assert.equal(summary.error?.name, 'Error');
    assert.match(summary.error?.message ?? '', /not readable/);
  });

  it('are appended as JSON lines and read back; a torn last line and junk lines are skipped', async () => {
    const a = cellRecordOf(execution());
    const b = cellRecordOf(execution({ cell: 'c2', index: 1, order: 2, success: false }));
    await appendCellRecords(dir, [a]);
    await appendCellRecords(dir, [b]);
    assert.deepEqual(await readCellRecords(dir), [a, b]);
    writeFileSync(
      join(dir, 'cells.jsonl'),
      `${JSON.stringify(a)}\nnot json\n{"cell":1}\n${JSON.stringify(b)}`,
    );
    const parsed = parseCellRecords(`${JSON.stringify(a)}\nnot json\n{"cell":1}\n${JSON.stringify(b)}`);
    assert.deepEqual(parsed, { records: [a], skipped: 2 });
    assert.deepEqual(await readCellRecords(join(dir, 'missing')), []);
  });
});

describe('changed cells between two notebook runs', () => {
  const rec = (cell: string, index: number, source: string) =>
    cellRecordOf(execution({ cell, index, source }));

  it('compare the last source each cell ran with, and give a unified diff', () => {
    const a = [rec('c1', 0, 'lr = 0.1'), rec('c2', 1, 'train(lr)\nplot()'), rec('c2', 1, 'train(lr)')];
    const b = [rec('c1', 0, 'lr = 0.3'), rec('c2', 1, 'train(lr)'), rec('c3', 2, 'evaluate()')];
    const changes = changedCells(a, b);
    assert.deepEqual(
      changes.map((c) => [c.cell, c.change]),
      [
        ['c1', 'changed'],
        ['c3', 'added'],
      ],
    );
    assert.equal(changes[0].a, 'lr = 0.1');
    assert.equal(changes[0].b, 'lr = 0.3');
    assert.equal(changes[0].diff, '--- a/cell 1\n+++ b/cell 1\n@@ -1,1 +1,1 @@\n-lr = 0.1\n+lr = 0.3\n');
    assert.equal(changes[1].b, 'evaluate()');
  });

  it('list cells that ran only in the first run as removed', () => {
    const changes = changedCells([rec('c1', 0, 'a'), rec('c9', 4, 'old()')], [rec('c1', 0, 'a')]);
    assert.deepEqual(changes, [{ cell: 'c9', index: 4, change: 'removed', a: 'old()', diff: '' }]);
  });

  it('find nothing between identical runs', () => {
    const a = [rec('c1', 0, 'a'), rec('c2', 1, 'b')];
    assert.deepEqual(changedCells(a, [...a].reverse()), []);
  });
});
