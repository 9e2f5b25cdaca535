// Triggers the target's pipeline. Failures come back as results (never thrown): the model is already pushed, and
// the promotion is recorded as "pushed, pipeline failed" with the reason.
import { NetworkError } from '../http';
import type { PipelineConfig } from '../targets';
import { triggerCommand } from './command';
import { triggerGitHub } from './github';
import { triggerGitLab } from './gitlab';
import type { PipelineOptions, PipelinePayload, PipelineResult, PipelineSecrets } from './types';
import { triggerWebhook } from './webhook';

export type { PipelineOptions, PipelinePayload, PipelineResult, PipelineSecrets } from './types';

export async function triggerPipeline(
  config: PipelineConfig,
  payload: PipelinePayload,
  secrets: PipelineSecrets,
  options: PipelineOptions = {},
): Promise<PipelineResult> {
  try {
    switch (config.type) {
      case 'github':
        return await triggerGitHub(config, payload, secrets, options);
      case 'gitlab':
        return await triggerGitLab(config, payload, secrets, options);
      case 'webhook':
        return await triggerWebhook(config, payload, secrets, options);
      case 'command':
        return await triggerCommand(config, payload, options);
    }
  } catch (error) {
    const message = error instanceof NetworkError ? error.message : `${(error as Error).message}`;
    return {
      ok: false,
      status: 'failed',
      message: `the ${config.type} pipeline could not be triggered: ${message}`,
    };
  }
}
