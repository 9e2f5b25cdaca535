import assert from 'node:assert/strict';
import {
  DEFAULT_CHART_THEME,
  HOVER_DATA,
  metricChartSpec,
  POINTS_DATA,
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
    await view.runAsync();
    assert.equal(view.data(POINTS_DATA).length, 3);
    assert.deepEqual((view.scale('x') as { domain(): number[] }).domain(), [0, 20]);
    const y = (view.scale('y') as { domain(): number[] }).domain();
    assert.ok(y[0] <= 0.5 && y[1] >= 2, `y domain ${y.join(',')}`);
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
});
