import assert from 'node:assert/strict';
import { normalizeRunDocument, normalizeRunText, MAX_NESTING } from '../../../src/core/store/normalize';
import { primaryMetric } from '../../../src/core/format';
import { makeRunDocument } from '../../fixtures/runs';

const ID = '20261121-221815-123-9f3a0c1e';

function raw(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(makeRunDocument({ id: ID }) as unknown as Record<string, unknown>), ...overrides };
}

function normalized(overrides: Record<string, unknown>) {
  const result = normalizeRunDocument(raw(overrides), ID);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result;
}

function fields(result: { problems: Array<{ field: string }> }): string[] {
  return result.problems.map((p) => p.field);
}

describe('normalizeRunDocument: one data model for every reader', () => {
  it('turns a well-formed document into itself, with no problems', () => {
    const result = normalized({});
    assert.deepEqual(result.problems, []);
    assert.equal(result.doc.id, ID);
    assert.deepEqual({ ...result.doc.params }, { lr: 0.1, epochs: 10 });
  });

  it('refuses what cannot be a run, with a reason', () => {
    const reason = (value: unknown) => {
      const result = normalizeRunDocument(value, ID);
      assert.equal(result.ok, false);
      return result.ok ? '' : result.reason;
    };
    assert.match(reason([1]), /JSON object/);
    assert.match(reason(null), /JSON object/);
    assert.match(reason(raw({ id: 'other' })), /names run "other", but its folder is/);
    assert.match(reason(raw({ status: 'weird' })), /unknown status "weird" \(expected one of running/);
    assert.match(reason(raw({ status: 3 })), /unknown status 3/);
    assert.match(reason(raw({ status: null })), /unknown status null/);
    assert.match(reason(raw({ startTime: 12 })), /no startTime/);
  });

  it('reads a string capture.command as a list of one, and says so', () => {
    const result = normalized({ capture: { command: 'python train.py', pid: '12', host: 7 } });
    assert.deepEqual(result.doc.capture.command, ['python train.py']);
    assert.equal(result.doc.capture.pid, undefined);
    assert.equal(result.doc.capture.host, '7');
    assert.deepEqual(fields(result), ['capture.command', 'capture.host', 'capture.pid']);
  });

  it('keeps datasets with a numeric or missing digest, and skips null entries', () => {
    const result = normalized({
      datasets: [
        null,
        { name: 'a', path: 'data/a', role: 'input', digest: 1234, size: 1, files: 1 },
        { name: 'b', path: 'data/b', role: 'sideways', size: 'big' },
        7,
      ],
    });
    assert.deepEqual(
      result.doc.datasets.map((d) => [d.name, d.digest, d.role, d.size]),
      [
        ['a', '1234', 'input', 1],
        ['b', '', 'input', NaN],
      ],
    );
    assert.deepEqual(fields(result), [
      'datasets[0]',
      'datasets[1].digest',
      'datasets[2].digest',
      'datasets[2].role',
      'datasets[2].size',
      'datasets[3]',
    ]);
  });

  it('reads numeric and boolean tag values as text and drops structured ones', () => {
    const result = normalized({ tags: { epoch: 3, best: true, bad: { x: 1 }, gone: null, ok: 'yes' } });
    assert.deepEqual({ ...result.doc.tags }, { epoch: '3', best: 'true', ok: 'yes' });
    assert.deepEqual(fields(result), ['tags.epoch', 'tags.best', 'tags.bad']);
  });

  it('skips a metric whose summary is null or not numeric, and keeps the others', () => {
    const summary = { last: 0.5, min: 0.5, max: 1, count: 2, step: 1, time: 3 };
    const result = normalized({
      metrics: { loss: null, acc: summary, f1: { last: 'high' }, lr: { last: 'NaN' } },
    });
    assert.deepEqual(Object.keys(result.doc.metrics), ['acc', 'lr']);
    assert.deepEqual(
      { ...result.doc.metrics.lr },
      { last: 'NaN', min: 'NaN', max: 'NaN', count: 1, step: 0, time: 0 },
    );
    assert.ok(fields(result).includes('metrics.loss'));
    assert.ok(fields(result).includes('metrics.f1.last'));
  });

  it('treats metric names __proto__, constructor and toString as ordinary keys, inheriting nothing', () => {
    const summary = { last: 1, min: 1, max: 1, count: 1, step: 0, time: 0 };
    const text = `{"id": "${ID}", "status": "finished", "startTime": "2026-11-21T22:18:15Z",
      "metrics": {"__proto__": ${JSON.stringify(summary)}, "constructor": ${JSON.stringify(summary)},
                  "toString": ${JSON.stringify(summary)}},
      "params": {"__proto__": 1, "hasOwnProperty": 2}, "tags": {"__proto__": "x"}}`;
    const result = normalizeRunText(text, ID);
    assert.ok(result.ok);
    const { doc } = result;
    assert.deepEqual(Object.keys(doc.metrics), ['__proto__', 'constructor', 'toString']);
    assert.equal(Object.getPrototypeOf(doc.metrics), null);
    const name: string = 'toString';
    assert.equal(doc.metrics[name].last, 1);
    assert.deepEqual(Object.keys(doc.params), ['__proto__', 'hasOwnProperty']);
    assert.equal(doc.tags.__proto__, 'x');
    // A name a document does not have is absent, not an inherited function.
    const empty = normalized({ metrics: {} }).doc;
    assert.equal(empty.metrics.constructor, undefined);
    assert.equal(primaryMetric(empty, 'constructor'), undefined);
    assert.equal(primaryMetric(doc, 'toString')?.[0], 'toString');
    assert.doesNotThrow(() => JSON.stringify(doc));
  });

  it('reads 100k-deep nesting and cuts unknown values off at a bounded depth', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const text = JSON.stringify(raw()).replace(/}$/, `, "extra": ${deep}, "params": {"p": ${deep}}}`);
    const result = normalizeRunText(text, ID);
    assert.ok(result.ok);
    let level: unknown = result.doc.extra;
    let depth = 0;
    while (Array.isArray(level)) {
      level = (level as unknown[])[0];
      depth++;
    }
    assert.equal(depth, MAX_NESTING);
    assert.match(String(level), /nested deeper than/);
    assert.equal(typeof result.doc.params.p, 'string');
    assert.doesNotThrow(() => JSON.stringify(result.doc));
    assert.doesNotThrow(() => structuredClone(result.doc));
  });

  it('reads a document that starts with a UTF-8 byte order mark', () => {
    const result = normalizeRunText(`\uFEFF${JSON.stringify(raw())}`, ID);
    assert.ok(result.ok);
    assert.equal(result.doc.status, 'finished');
  });

  it('explains empty and truncated text', () => {
    const empty = normalizeRunText('  ', ID);
    assert.deepEqual(empty.ok ? '' : empty.reason, 'run.json is empty (a write was cut off)');
    const cut = normalizeRunText('{"id": "2026', ID);
    assert.match(cut.ok ? '' : cut.reason, /not valid JSON/);
  });

  it('converts what other fields hold into their documented types', () => {
    const result = normalized({
      name: 42,
      experiment: ['x'],
      endTime: 5,
      error: 'boom',
      artifacts: [{ path: 'model.pt', size: 3 }, { size: 2 }, null],
      capture: { git: { commit: 1, dirty: 'yes' }, python: 'python3', source: 'cron', exitCode: '0' },
    });
    const { doc } = result;
    assert.equal(doc.name, '42');
    assert.equal(doc.experiment, 'default');
    assert.equal(doc.endTime, undefined);
    assert.deepEqual(doc.error, { type: 'Error', message: 'boom' });
    assert.deepEqual(
      doc.artifacts.map((a) => a.path),
      ['model.pt'],
    );
    assert.deepEqual(
      [doc.capture.git?.commit, doc.capture.git?.dirty, doc.capture.source, doc.capture.exitCode],
      ['1', false, undefined, undefined],
    );
    assert.deepEqual({ ...doc.capture.python }, {});
    assert.ok(result.problems.every((p) => typeof p.problem === 'string' && p.problem.length > 0));
  });
});
