import * as path from 'node:path';
import * as vscode from 'vscode';
import { newRunId } from '../../core/store/ids';
import type { RunlogContext } from '../context';
import { experimentOf, launchEnvironment } from './launchEnvironment';

/** Debug types of the Python extension (older: python, current: debugpy). */
const PYTHON_DEBUG_TYPES = ['python', 'debugpy'];

/**
 * Tracks Python debug sessions as runs: a launch configuration with a `program` is turned into the same
 * `python -m runlog run -- program args` launch the Run command uses, so capture and metrics work alike.
 */
export function registerDebugTracking(ctx: RunlogContext): void {
  const provider: vscode.DebugConfigurationProvider = {
    resolveDebugConfigurationWithSubstitutedVariables: async (_folder, config) => {
      if (!ctx.config.trackDebugSessions) return config;
      return (await trackedDebugConfiguration(ctx, config)) ?? config;
    },
  };
  for (const type of PYTHON_DEBUG_TYPES)
    ctx.own(vscode.debug.registerDebugConfigurationProvider(type, provider));
}

/** The tracked form of a debug configuration, or undefined when it is not one Runlog can track. */
export async function trackedDebugConfiguration(
  ctx: RunlogContext,
  config: vscode.DebugConfiguration,
): Promise<vscode.DebugConfiguration | undefined> {
  if (
    config.request !== 'launch' ||
    typeof config.program !== 'string' ||
    config.module ||
    config.runlog === false
  ) {
    return undefined;
  }
  const store = ctx.store;
  if (!store) return undefined;
  await store.ensureCreated();
  const program: string = config.program;
  const id = newRunId();
  const env = launchEnvironment(
    ctx,
    { id, experiment: experimentOf(program), storeRoot: store.root },
    {
      ...process.env,
      ...(config.env as Record<string, string> | undefined),
    },
  );
  ctx.log.info(`tracking debug session ${JSON.stringify(config.name)} as run ${id}`);
  const tracked: vscode.DebugConfiguration = { ...config };
  delete tracked.program;
  return {
    ...tracked,
    module: 'runlog',
    args: [
      'run',
      '--',
      path.resolve(typeof config.cwd === 'string' ? config.cwd : '', program),
      ...((config.args as string[] | undefined) ?? []),
    ],
    env: { ...(config.env as Record<string, string> | undefined), ...env, RUNLOG_SOURCE: 'debug' },
  };
}
