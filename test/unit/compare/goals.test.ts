import assert from 'node:assert/strict';
import { goalOf, guessGoal, readGoalSetting } from '../../../src/core/compare';

describe('compare: metric goals', () => {
  it('guesses min for losses, errors, perplexity and times, max for the rest', () => {
    for (const name of ['loss', 'val_loss', 'trainLoss', 'error', 'top1-err', 'mse', 'val/mae', 'rmse']) {
      assert.equal(guessGoal(name), 'min', name);
    }
    for (const name of ['perplexity', 'ppl', 'epoch_time', 'runtime', 'p95_latency', 'nll_loss']) {
      assert.equal(guessGoal(name), 'min', name);
    }
    for (const name of ['acc', 'accuracy', 'f1', 'auc', 'bleu', 'reward', 'terrier_score']) {
      assert.equal(guessGoal(name), 'max', name);
    }
  });

  it('matches whole words, so names merely containing the letters stay max', () => {
    assert.equal(guessGoal('ferret_count'), 'max');
    assert.equal(guessGoal('timeline_acc'), 'max');
  });

  it('prefers the setting, and reports entries it cannot use', () => {
    const { goals, problems } = readGoalSetting({ loss: 'max', acc: ' MIN ', f1: 'up', x: 3 });
    assert.deepEqual(
      [...goals],
      [
        ['loss', 'max'],
        ['acc', 'min'],
      ],
    );
    assert.equal(problems.length, 2);
    assert.match(problems[0], /runlog\.metricGoals\["f1"\] is "up"; use "min" or "max"/);
    assert.deepEqual(goalOf('loss', goals), { goal: 'max', source: 'setting' });
    assert.deepEqual(goalOf('val_loss', goals), { goal: 'min', source: 'guess' });
  });

  it('refuses a setting that is not an object, and takes none as empty', () => {
    assert.equal(readGoalSetting(['loss']).problems.length, 1);
    assert.equal(readGoalSetting('min').problems.length, 1);
    assert.deepEqual(readGoalSetting(undefined), { goals: new Map(), problems: [] });
  });
});
