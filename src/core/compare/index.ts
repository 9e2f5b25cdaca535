// Comparing runs: params and metrics side by side, goals, downsampled series for charts, CSV (docs/compare.md).
export * from './goals';
export * from './paramsTable';
export * from './metricsTable';
export * from './seriesColumns';
export * from './runSeries';
export * from './downsample';
export * from './prepare';
export * from './csv';
export * from './diffText';
