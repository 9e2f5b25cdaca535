import * as path from 'node:path';
import type { RunlogContext } from '../context';

/**
 * The environment of a tracked launch (docs/store-format.md, "Environment variables"): the bundled client first on
 * PYTHONPATH so `python -m runlog run` and `import runlog` work without an install, and the run the editor expects.
 */
export function launchEnvironment(
  ctx: RunlogContext,
  run: { id: string; experiment: string; storeRoot: string },
  base: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const pythonPath = [ctx.bundledPythonClient, base.PYTHONPATH].filter(Boolean).join(path.delimiter);
  return {
    PYTHONPATH: pythonPath,
    PYTHONUNBUFFERED: '1',
    RUNLOG_STORE: run.storeRoot,
    RUNLOG_RUN_ID: run.id,
    RUNLOG_EXPERIMENT: run.experiment,
    RUNLOG_OUTPUT_PATTERN: ctx.config.outputPattern,
  };
}

/** Experiment name of a script: its file name without extension. */
export function experimentOf(file: string): string {
  return path.basename(file).replace(/\.[^.]+$/, '') || 'default';
}
