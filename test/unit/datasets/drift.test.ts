import assert from 'node:assert/strict';
import {
  ksStatistic,
  populationStabilityIndex,
  PSI_EPSILON,
  QuantileCdf,
  shareChanges,
} from '../../../src/core/datasets/drift';
import { uniform } from '../../fixtures/datasets';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);

describe('dataset drift from profiles', () => {
  it('reads a percentile sketch as a distribution function, with jumps at ties', () => {
    const cdf = new QuantileCdf(uniform(0, 100));
    close(cdf.at(-1), 0);
    close(cdf.at(50), 0.5);
    close(cdf.at(50.5), 0.505);
    close(cdf.at(100), 1);
    // a column that is 0 for 30 % of the rows, then 1..70
    const tied = new QuantileCdf([
      ...Array<number>(31).fill(0),
      ...Array.from({ length: 70 }, (_, i) => i + 1),
    ]);
    close(tied.before(0), 0);
    close(tied.at(0), 0.3);
    close(tied.at(0.5), 0.305);
  });

  it('KS of a uniform 0..100 against one shifted by 10 is 0.1 (hand computed)', () => {
    close(ksStatistic(new QuantileCdf(uniform(0, 100)), new QuantileCdf(uniform(10, 110))), 0.1);
    close(ksStatistic(new QuantileCdf(uniform(0, 100)), new QuantileCdf(uniform(0, 100))), 0);
    // disjoint supports: the largest possible distance
    close(ksStatistic(new QuantileCdf(uniform(0, 1)), new QuantileCdf(uniform(5, 6))), 1);
  });

  it('KS sees a jump: 30 % zeros against no zeros', () => {
    const withZeros = new QuantileCdf([...Array<number>(31).fill(0), ...uniform(1, 70).slice(31)]);
    const without = new QuantileCdf(uniform(1, 70));
    assert.ok(ksStatistic(withZeros, without) >= 0.3 - 1e-9);
  });

  it('PSI uses the older deciles as bins (hand computed for a shift of one decile)', () => {
    const result = populationStabilityIndex(
      new QuantileCdf(uniform(0, 100)),
      new QuantileCdf(uniform(10, 110)),
    );
    assert.deepEqual(result.edges, [10, 20, 30, 40, 50, 60, 70, 80, 90]);
    result.expected.forEach((e) => close(e, 0.1));
    // the newer version has no value below 10, 10 % in each middle bin, 20 % above 90
    close(result.actual[0], 0);
    close(result.actual[9], 0.2);
    // (ε − 0.1)·ln(ε / 0.1) + 8·0 + (0.2 − 0.1)·ln 2 = 0.690085 + 0.069315 = 0.759399
    close(result.psi, (PSI_EPSILON - 0.1) * Math.log(PSI_EPSILON / 0.1) + 0.1 * Math.log(2));
    close(result.psi, 0.759399, 1e-6);
    close(
      populationStabilityIndex(new QuantileCdf(uniform(0, 100)), new QuantileCdf(uniform(0, 100))).psi,
      0,
    );
  });

  it('merges tied deciles into fewer bins', () => {
    const binary = [...Array<number>(61).fill(0), ...Array<number>(40).fill(1)];
    const result = populationStabilityIndex(new QuantileCdf(binary), new QuantileCdf(binary));
    assert.deepEqual(result.edges, [0, 1]);
    close(result.expected[0], 0.6);
    close(result.psi, 0);
  });

  it('category shares: changes sorted by size and their total variation distance (hand computed)', () => {
    const { changes, distance } = shareChanges(
      {
        top: [
          ['x', 6],
          ['y', 4],
        ],
        otherCount: 0,
      },
      {
        top: [
          ['x', 3],
          ['y', 5],
          ['z', 2],
        ],
        otherCount: 0,
      },
    );
    assert.deepEqual(
      changes.map((c) => [c.value, Number(c.a.toFixed(3)), Number(c.b.toFixed(3))]),
      [
        ['x', 0.6, 0.3],
        ['z', 0, 0.2],
        ['y', 0.4, 0.5],
      ],
    );
    close(distance, 0.3);
  });

  it('keeps the rest of the values as one (other) share', () => {
    const { changes, distance } = shareChanges(
      { top: [['a', 5]], otherCount: 5 },
      { top: [['a', 5]], otherCount: 15 },
    );
    assert.deepEqual(changes.map((c) => c.value).sort(), ['(other)', 'a']);
    close(distance, 0.25);
  });
});
