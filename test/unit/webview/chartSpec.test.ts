import assert from 'node:assert/strict';
import {
  DEFAULT_CHART_THEME,
  growDomain,
  HOVER_DATA,
  metricChartSpec,
  niceStep,
  POINTS_DATA,
  X_DOMAIN,
  Y_DOMAIN,
} from '../../../webview/details/chartSpec';

type Sized = { width: number; height: number; autosize: unknown; config?: { font?: string } };

const theme = {
  ...DEFAULT_CHART_THEME,
  line: '#123456',
  labels: '#abcdef',
  fontFamily: '"Segoe UI", sans-serif',
};

describe('webview metric chart spec', () => {
  it('holds no data, only named datasets that the chart fills with changesets', () => {
    const spec = metricChartSpec(theme, 400, 130);
    const json = JSON.stringify(spec);
    assert.ok(!json.includes('"values"'));
    assert.ok('layer' in spec);
    const names = spec.layer.map((layer) => (layer as { data?: { name?: string } }).data?.name);
    assert.deepEqual(names, [POINTS_DATA, HOVER_DATA, HOVER_DATA]);
  });

  it('takes its colours and font from the theme and fits the given size', () => {
    const spec = metricChartSpec(theme, 400.7, 130) as Sized;
    const json = JSON.stringify(spec);
    assert.ok(json.includes('#123456'));
    assert.ok(json.includes('#abcdef'));
    assert.equal(spec.config?.font, theme.fontFamily);
    assert.equal(spec.width, 400);
    assert.equal(spec.height, 130);
    assert.deepEqual(spec.autosize, { type: 'fit', contains: 'padding', resize: true });
    assert.equal((metricChartSpec(theme, 0, 0) as Sized).width, 60);
  });

  it('compiles with Vega-Lite and runs in Vega without eval, growing through changesets', async () => {
    // vega is ESM with top-level await: load it the way Node allows from CommonJS tests.
    const { compile } = await import('vega-lite');
    const { parse, View, changeset } = await import('vega');
    const { expressionInterpreter } = await import('vega-interpreter');
    const { spec } = compile(metricChartSpec(theme, 300, 120));
    const view = new View(parse(spec, undefined, { ast: true }), {
      expr: expressionInterpreter,
      renderer: 'none',
    });
    await view.runAsync();
    view.change(
      POINTS_DATA,
      changeset().insert([
        { step: 0, value: 2 },
        { step: 10, value: 1 },
      ]),
    );
    await view.runAsync();
    view.change(POINTS_DATA, changeset().insert([{ step: 20, value: 0.5 }]));
    view.change(HOVER_DATA, changeset().insert([{ step: 10, value: 1 }]));
    // The domains come from signals (growDomain), not from the data.
    const xDomain = growDomain(undefined, 0, 20);
    const yDomain = growDomain(undefined, 0.5, 2);
    view.signal(X_DOMAIN, xDomain);
    view.signal(Y_DOMAIN, yDomain);
    await view.runAsync();
    assert.equal(view.data(POINTS_DATA).length, 3);
    assert.equal(view.data(HOVER_DATA).length, 1);
    assert.deepEqual((view.scale('x') as { domain(): number[] }).domain(), [0, 20]);
    assert.deepEqual((view.scale('y') as { domain(): number[] }).domain(), [...yDomain]);
    assert.deepEqual(xDomain, [0, 20]);
    assert.deepEqual(yDomain, [0.4, 2]);
    view.change(
      POINTS_DATA,
      changeset()
        .remove(() => true)
        .insert([{ step: 5, value: 3 }]),
    );
    await view.runAsync();
    assert.equal(view.data(POINTS_DATA).length, 1);
    view.finalize();
  });

  it('picks nice tick steps', () => {
    assert.equal(niceStep(10, 4), 2.5);
    assert.equal(niceStep(100, 4), 25);
    assert.equal(niceStep(7, 4), 2);
    assert.equal(niceStep(0.79, 4), 0.2);
    assert.equal(niceStep(30, 4), 10);
  });

  it('keeps a domain while the data stays inside it, and grows it to tick steps', () => {
    const first = growDomain(undefined, 0, 420);
    assert.deepEqual(first, [0, 450]);
    assert.strictEqual(growDomain(first, 0, 449), first, 'same reference: no rescale');
    assert.deepEqual(growDomain(first, 0, 451), [0, 500]);
    assert.deepEqual(growDomain(undefined, 0.2134, 2.51), [0, 2.75]);
    const lr = growDomain(undefined, 2.18e-4, 3e-4);
    assert.ok(lr[0] <= 2.18e-4 && lr[1] >= 3e-4 && lr[1] - lr[0] < 2e-4);
  });

  it('gives a single value or no data a usable domain', () => {
    const single = growDomain(undefined, 5, 5);
    assert.ok(single[0] < 5 && single[1] > 5);
    assert.deepEqual(growDomain(undefined, 0, 0), [-0.1, 0.1]);
    assert.deepEqual(growDomain(undefined, Infinity, -Infinity), [0, 1]);
    const current = [1, 2] as const;
    assert.strictEqual(growDomain(current, NaN, NaN), current);
  });
});
