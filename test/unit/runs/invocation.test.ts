import assert from 'node:assert/strict';
import { formatArguments, parseArguments, recordedInvocation } from '../../../src/core/runs/invocation';
import { makeRunDocument } from '../../fixtures/runs';

function run(capture: Record<string, unknown>) {
  return makeRunDocument({ name: 'bright-owl', capture: { cwd: '/work/proj', ...capture } });
}

describe('the recorded invocation of a run (Re-run with Arguments)', () => {
  it('uses capture.script and capture.args when the run has them', () => {
    const doc = run({
      command: ['python', 'train.py', '--lr', '0.3'],
      script: '/work/proj/train.py',
      args: ['--lr', '0.3'],
    });
    assert.deepEqual(recordedInvocation(doc), { script: '/work/proj/train.py', args: ['--lr', '0.3'] });
  });

  it("reads older runs' wrapper command, skipping the wrapper's own options", () => {
    const doc = run({
      command: [
        '/usr/bin/python3',
        '-m',
        'runlog',
        'run',
        '--name',
        'x',
        '--',
        '/work/proj/train.py',
        '--lr',
        '0.3',
      ],
    });
    assert.deepEqual(recordedInvocation(doc), { script: '/work/proj/train.py', args: ['--lr', '0.3'] });
    const noDashes = run({ command: ['python3', '-m', 'runlog', 'run', '--experiment=e', 'src/t.py', '-v'] });
    assert.deepEqual(recordedInvocation(noDashes), { script: '/work/proj/src/t.py', args: ['-v'] });
  });

  it("reads the user's command (client-only runs), resolving a relative script against the recorded cwd", () => {
    const doc = run({ command: ['python3', '-u', '-X', 'dev', 'train.py', '--epochs', '3'] });
    assert.deepEqual(recordedInvocation(doc), { script: '/work/proj/train.py', args: ['--epochs', '3'] });
  });

  it('keeps arguments that look like the wrapper options once the script is named', () => {
    const doc = run({ command: ['python3', '-m', 'runlog', 'run', '--', 'a.py', '--', '--name', 'n'] });
    assert.deepEqual(recordedInvocation(doc), { script: '/work/proj/a.py', args: ['--', '--name', 'n'] });
  });

  it('says why modules, -c code and notebooks cannot be re-run as a script', () => {
    assert.match(
      (
        recordedInvocation(run({ command: ['python3', '-m', 'runlog', 'run', '-m', 'pkg.train'] })) as {
          problem: string;
        }
      ).problem,
      /module pkg\.train/,
    );
    assert.match(
      (recordedInvocation(run({ command: ['python3', '-c', 'print(1)'] })) as { problem: string }).problem,
      /code given on the command line/,
    );
    assert.match(
      (recordedInvocation(run({ source: 'notebook', command: ['python3'] })) as { problem: string }).problem,
      /notebook/,
    );
    assert.match(
      (recordedInvocation(run({ command: undefined })) as { problem: string }).problem,
      /no recorded command/,
    );
  });
});

describe('arguments as the user edits them', () => {
  it('round-trips arguments with spaces, quotes and shell characters', () => {
    const args = ['--name', 'a b', "it's", '$HOME', '*.py', '--x="q"', '', 'a\\b'];
    assert.deepEqual(parseArguments(formatArguments(args)), { args });
  });

  it('splits as a shell does but expands nothing', () => {
    assert.deepEqual(parseArguments(`--lr 0.3  --tag "two words" --out $HOME/x *.csv`), {
      args: ['--lr', '0.3', '--tag', 'two words', '--out', '$HOME/x', '*.csv'],
    });
    assert.deepEqual(parseArguments('   '), { args: [] });
  });

  it('refuses pipes, redirections and comments with a fix', () => {
    for (const text of ['--a | tee x', '--a > out.txt', '--a; rm x', '--a #note']) {
      const parsed = parseArguments(text);
      assert.ok('problem' in parsed, text);
      assert.match(parsed.problem, /quote it/);
    }
  });
});
