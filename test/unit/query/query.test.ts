import assert from 'node:assert/strict';
import {
  evaluateQuery,
  explainQuery,
  formatQueryError,
  parseQuery,
  QueryError,
} from '../../../src/core/query';
import { makeRunDocument } from '../../fixtures/runs';
import type { MetricSummary, RunDocument } from '../../../src/core/store/types';

function summary(last: number | 'NaN', min = last, max = last, count = 3): MetricSummary {
  return { last, min, max, count, step: count - 1, time: 0 };
}

const run: RunDocument = makeRunDocument({
  id: '20250101-120000-abcd',
  name: 'bert-base-lr3',
  experiment: 'nlp',
  status: 'finished',
  startTime: '2025-01-01T12:00:00.000Z',
  endTime: '2025-01-01T12:01:30.000Z',
  params: {
    lr: 0.003,
    epochs: 10,
    optimizer: 'adam',
    'model.depth': 12,
    batch: '64',
    shuffle: true,
    seed: null,
  },
  tags: { stage: 'tuned', starred: 'true' },
  metrics: {
    acc: summary(0.85, 0.5, 0.9),
    loss: summary(0.2, 0.1, 2.5),
    'val.loss': summary(0.3),
    bad: summary('NaN'),
  },
  capture: {
    source: 'script',
    git: { commit: 'abc123', branch: 'main', dirty: true, diffFile: null, remote: null },
  },
});

function matches(text: string, doc: RunDocument = run): boolean {
  return evaluateQuery(parseQuery(text), doc, { now: Date.parse('2025-01-01T13:00:00Z') });
}

function errorOf(text: string): QueryError {
  try {
    parseQuery(text);
  } catch (error) {
    assert.ok(error instanceof QueryError, `${text}: not a QueryError: ${String(error)}`);
    return error;
  }
  assert.fail(`${text}: parsed, but should not`);
}

describe('query language: evaluation', () => {
  it('compares metrics, params and tags as the issue example does', () => {
    assert.equal(matches('metrics.acc > 0.8 and params.lr < 0.01 and tags.stage == "tuned"'), true);
    assert.equal(matches('metrics.acc > 0.9 and params.lr < 0.01 and tags.stage == "tuned"'), false);
  });

  it('reads metric statistics and metric names holding dots', () => {
    assert.equal(matches('metrics.loss.min == 0.1'), true);
    assert.equal(matches('metrics.loss.max >= 2.5 and metrics.loss.last < 1'), true);
    assert.equal(matches('metrics.loss.count == 3'), true);
    assert.equal(matches('metrics.val.loss == 0.3'), true);
    assert.equal(matches('metrics.val.loss.max == 0.3'), true);
    assert.equal(matches('metrics.loss.median == 1'), false, 'unknown statistic is a missing value');
  });

  it('reads params whose names hold dots and quoted path segments', () => {
    assert.equal(matches('params.model.depth == 12'), true);
    assert.equal(matches('params."model.depth" == 12'), true);
    assert.equal(matches("metrics.'val.loss' < 1"), true);
  });

  it('compares text that reads as a number numerically, and "true" with true', () => {
    assert.equal(matches('params.batch == 64'), true);
    assert.equal(matches('params.batch > 32'), true);
    assert.equal(matches('params.batch == "64"'), true);
    assert.equal(matches('params.optimizer > 3'), false);
    assert.equal(matches('params.shuffle == true and params.shuffle == "true"'), true);
    assert.equal(matches('tags.starred == true'), true);
  });

  it('treats a missing field as null', () => {
    assert.equal(matches('metrics.f1 > 0'), false);
    assert.equal(matches('metrics.f1 <= 0'), false);
    assert.equal(matches('metrics.f1 == null'), true);
    assert.equal(matches('params.seed == null'), true, 'a null param equals null');
    assert.equal(matches('tags.owner != "ana"'), true);
    assert.equal(matches('not metrics.f1 > 0'), true);
  });

  it('never orders NaN', () => {
    assert.equal(matches('metrics.bad > 0'), false);
    assert.equal(matches('metrics.bad < 0'), false);
    assert.equal(matches('metrics.bad == metrics.bad'), false);
  });

  it('handles the run fields, git and duration', () => {
    assert.equal(matches('status == "finished" and experiment == "nlp"'), true);
    assert.equal(matches('id == "20250101-120000-abcd"'), true);
    assert.equal(matches('git.dirty and git.branch == "main" and git.commit == "abc123"'), true);
    assert.equal(matches('source == "script"'), true);
    assert.equal(matches('duration == 90'), true);
    assert.equal(matches('start >= "2025-01-01" and start < "2025-01-02"'), true);
    const running = { ...run, status: 'running' as const, endTime: null };
    assert.equal(matches('duration == 3600', running), true, 'a running run lasts until now');
  });

  it('reads a star as the starred tag', () => {
    assert.equal(matches('starred'), true);
    assert.equal(matches('starred', { ...run, tags: {} }), false);
    assert.equal(matches('starred', { ...run, tags: { starred: 'false' } }), false);
    assert.equal(matches('not starred', { ...run, tags: {} }), true);
  });

  it('has and/or/not precedence with parentheses, and symbolic spellings', () => {
    assert.equal(matches('status == "failed" or metrics.acc > 0.8 and params.lr < 0.01'), true);
    assert.equal(matches('(status == "failed" or metrics.acc > 0.8) and params.lr > 0.01'), false);
    assert.equal(matches('not (status == "failed") && metrics.acc >= 0.85 || false'), true);
    assert.equal(matches('!starred'), false);
    assert.equal(matches('status = "finished"'), true, '= is ==');
    assert.equal(matches('status == "finished" AND NOT false'), true, 'keywords ignore case');
  });

  it('contains is a case-insensitive substring test, ~ a regular expression search', () => {
    assert.equal(matches('name contains "BERT"'), true);
    assert.equal(matches('name contains "gpt"'), false);
    assert.equal(matches('name ~ "^bert-[a-z]+-lr\\d$"'), true);
    assert.equal(matches('name ~ "^gpt"'), false);
    assert.equal(matches('metrics.f1 ~ "x"'), false);
  });

  it('compares two fields', () => {
    assert.equal(matches('metrics.val.loss > metrics.loss'), true);
    assert.equal(matches('metrics.loss.min < metrics.loss.max'), true);
  });

  it("reads only the run's own keys, never the prototype", () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype']) {
      assert.equal(matches(`params.${key} == null`), true, key);
      assert.equal(matches(`tags.${key}`), false, key);
      assert.equal(matches(`metrics.${key} == null`), true, key);
      assert.equal(matches(`metrics.${key}.count == null`), true, key);
    }
    const hostile = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 5}') as Record<string, never>;
    const doc = { ...run, params: hostile };
    assert.equal(matches('params.constructor == 5', doc), true, 'an own key named constructor is read');
    assert.equal(matches('params.polluted == null', doc), true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'nothing was polluted');
  });

  it('never executes code written in the query', () => {
    let called = false;
    (globalThis as Record<string, unknown>).runlogQueryProbe = () => (called = true);
    try {
      for (const text of [
        'runlogQueryProbe()',
        'name == runlogQueryProbe()',
        'name == "x" + runlogQueryProbe()',
      ]) {
        assert.throws(() => matches(text), QueryError, text);
      }
      assert.equal(matches('name == "runlogQueryProbe()"'), false);
      assert.equal(called, false);
    } finally {
      delete (globalThis as Record<string, unknown>).runlogQueryProbe;
    }
  });
});

describe('query language: errors', () => {
  const cases: [string, number, RegExp][] = [
    ['', 0, /Enter an expression/],
    ['metrics.acc >', 13, /Expected a value after ">" at column 14, found the end/],
    ['metrics.acc > > 1', 14, /Expected a value after ">" at column 15, found ">"/],
    ['(status == "x"', 14, /Expected "\)" to close the "\(" at column 1/],
    ['status == "x")', 13, /Unmatched "\)" at column 14/],
    ['status == "x', 10, /Unterminated string/],
    [
      'status == failed',
      10,
      /Unknown field "failed" at column 11 \(if you meant the text failed, put it in quotes: "failed"\)/,
    ],
    ['foo.bar > 1', 0, /Unknown field "foo.bar"/],
    ['git.author == "x"', 0, /git has git.dirty, git.branch/],
    ['metrics > 1', 0, /"metrics" needs a name/],
    ['status == "x" status == "y"', 14, /Expected "and", "or" or the end before "status" at column 15/],
    ['metrics.acc # 1', 12, /Unexpected character "#" at column 13/],
    ['1 2', 2, /Expected a comparison after 1/],
    ['name ~ metrics.acc', 7, /pattern after "~" must be a quoted string/],
    ['name ~ "("', 7, /is refused: it is not a valid regular expression/],
    ['metrics. > 1', 8, /Expected a name after "\."/],
    ['12abc > 1', 0, /is not a number or a field/],
  ];
  for (const [text, position, message] of cases) {
    it(`explains ${JSON.stringify(text)}`, () => {
      const error = errorOf(text);
      assert.match(error.message, message);
      assert.equal(error.position, position);
    });
  }

  it('refuses patterns that could backtrack for ever, and the rest fast', () => {
    for (const pattern of [
      '(a+)+$',
      '(a*)*b',
      '(a|aa)+',
      '(.*a){20}',
      '(\\w+\\s?)*$',
      '(a)\\1',
      '(?=a)a',
      '(?<!x)a',
    ]) {
      const error = errorOf(`name ~ ${JSON.stringify(pattern)}`);
      assert.match(error.message, /is refused/, pattern);
    }
    assert.match(errorOf(`name ~ "${'a'.repeat(201)}"`).message, /longer than 200/);
    const long = { ...run, name: 'a'.repeat(100_000) + '!' };
    assert.equal(matches('name ~ "a+b"', long), false);
  });

  it('refuses over-long and over-deep queries with an error, not a crash', () => {
    assert.match(errorOf('x'.repeat(5000)).message, /longer than 4000/);
    assert.match(errorOf('('.repeat(100) + 'starred' + ')'.repeat(100)).message, /nests deeper than 64/);
    assert.match(errorOf('not '.repeat(100) + 'starred').message, /nests deeper than 64/);
  });

  it('formats an error with a caret under the column', () => {
    const text = 'metrics.acc > > 1';
    assert.equal(formatQueryError(text, errorOf(text)).split('\n')[2], `  ${' '.repeat(14)}^`);
  });

  it('refuses what is not text', () => {
    assert.throws(() => parseQuery(42 as unknown as string), QueryError);
  });
});

describe('query language: explanation', () => {
  it('gives one line per comparison with the value found and what was needed', () => {
    const query = parseQuery(
      'metrics.acc >= 0.9 and params.lr < 0.01 and tags.owner == "ana" or not starred',
    );
    assert.deepEqual(explainQuery(query, run), [
      { ok: false, text: 'metrics.acc = 0.85, needs >= 0.9' },
      { ok: true, text: 'params.lr = 0.003, needs < 0.01' },
      { ok: false, text: 'tags.owner is missing, needs == "ana"' },
      { ok: false, text: 'starred = true, needs a false or missing value' },
    ]);
  });

  it('describes a field compared with a field', () => {
    const [line] = explainQuery(parseQuery('metrics.loss < metrics.val.loss'), run);
    assert.deepEqual(line, { ok: true, text: 'metrics.loss = 0.2, needs < metrics.val.loss = 0.3' });
  });

  it('agrees with evaluation for a single comparison', () => {
    for (const text of ['metrics.acc > 0.8', 'metrics.acc > 0.9', 'not status == "finished"', 'git.dirty']) {
      const query = parseQuery(text);
      assert.equal(explainQuery(query, run)[0].ok, evaluateQuery(query, run), text);
    }
  });
});
