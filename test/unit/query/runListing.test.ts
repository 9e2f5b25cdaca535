import assert from 'node:assert/strict';
import { arrangeRuns, page, parseQuery } from '../../../src/core/query';
import type { MetricSummary, RunDocument, RunEntry } from '../../../src/core/store/types';
import { makeRunDocument } from '../../fixtures/runs';

function metric(last: number | 'NaN'): MetricSummary {
  return { last, min: last, max: last, count: 1, step: 0, time: 0 };
}

function entry(overrides: Partial<RunDocument>): RunEntry {
  const doc = makeRunDocument(overrides);
  return { kind: 'run', id: doc.id, dir: `/runs/${doc.id}`, doc };
}

// Newest first, as the index lists them.
const entries: RunEntry[] = [
  entry({ id: '20250105-000000-e', name: 'run-10', experiment: 'b', metrics: { loss: metric(0.3) } }),
  entry({ id: '20250104-000000-d', name: 'run-2', experiment: 'a', metrics: { loss: metric(0.1) } }),
  { kind: 'unreadable', id: '20250103-000000-x', dir: '/runs/x', reason: 'run.json is empty' },
  entry({ id: '20250102-000000-c', name: 'run-1', experiment: 'b', metrics: { loss: metric('NaN') } }),
  entry({
    id: '20250101-000000-b',
    name: 'Run-3',
    experiment: 'a',
    metrics: { loss: metric(0.2), acc: metric(0.9) },
  }),
];

const ids = (listing: ReturnType<typeof arrangeRuns>) =>
  listing.groups.map((g) => [g.experiment, g.entries.map((e) => e.id.slice(-1))]);

describe('Runs view listing', () => {
  it('groups by experiment in the order of their newest run, newest first inside', () => {
    const listing = arrangeRuns(entries);
    assert.deepEqual(ids(listing), [
      ['b', ['e', 'c']],
      ['a', ['d', 'b']],
      ['Unreadable runs', ['x']],
    ]);
    assert.deepEqual([listing.shown, listing.total], [5, 5]);
  });

  it('sorts by name naturally, ignoring case', () => {
    assert.deepEqual(ids(arrangeRuns(entries, { sort: 'name' })), [
      ['b', ['c', 'e']],
      ['a', ['d', 'b']],
      ['Unreadable runs', ['x']],
    ]);
  });

  it('sorts by the primary metric, best first by its goal, runs without it last', () => {
    const listing = arrangeRuns(entries, { sort: 'metric', metric: 'loss' });
    assert.equal(listing.goal, 'min');
    assert.deepEqual(ids(listing), [
      ['b', ['e', 'c']],
      ['a', ['d', 'b']],
      ['Unreadable runs', ['x']],
    ]);
    const acc = arrangeRuns(entries, {
      sort: 'metric',
      metric: 'loss',
      goals: new Map([['loss', 'max' as const]]),
    });
    assert.deepEqual(ids(acc)[1], ['a', ['b', 'd']]);
    assert.equal(
      arrangeRuns(entries, { sort: 'metric' }).metric,
      'loss',
      "defaults to the newest run's first metric",
    );
  });

  it('filters with a query, hiding unreadable runs, and counts what it shows', () => {
    const listing = arrangeRuns(entries, { filter: parseQuery('metrics.loss < 0.25') });
    assert.deepEqual(ids(listing), [['a', ['d', 'b']]]);
    assert.deepEqual([listing.shown, listing.total], [2, 5]);
  });

  it('pages a group', () => {
    assert.deepEqual(page([1, 2, 3, 4, 5], 2), { items: [1, 2], remaining: 3 });
    assert.deepEqual(page([1, 2], 50), { items: [1, 2], remaining: 0 });
  });
});
