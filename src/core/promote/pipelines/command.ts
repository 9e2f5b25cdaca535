// A local command as the pipeline: run without a shell, with the model reference in its environment.
import { spawn } from 'node:child_process';
import type { PipelineConfig } from '../targets';
import { gitlabVariables } from './gitlab';
import type { PipelineOptions, PipelinePayload, PipelineResult } from './types';

type CommandConfig = Extract<PipelineConfig, { type: 'command' }>;

export function triggerCommand(
  config: CommandConfig,
  payload: PipelinePayload,
  options: PipelineOptions,
): Promise<PipelineResult> {
  const [program, ...args] = config.command;
  return new Promise((resolve) => {
    let tail = '';
    const keep = (chunk: Buffer) => (tail = (tail + chunk.toString('utf8')).slice(-2000));
    const child = spawn(program, args, {
      cwd: config.cwd ?? options.cwd,
      env: { ...process.env, ...gitlabVariables(payload) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), (config.timeoutSeconds ?? 600) * 1000);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, status: 'failed', message: `cannot run ${program}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = tail.trim().split('\n').slice(-3).join(' | ');
      resolve(
        code === 0
          ? { ok: true, status: 'success', message: `${program} succeeded${last ? `: ${last}` : ''}` }
          : {
              ok: false,
              status: 'failed',
              message: `${program} ${signal ? `was stopped (${signal})` : `exited with ${code}`}${last ? `: ${last}` : ''}`,
            },
      );
    });
  });
}
