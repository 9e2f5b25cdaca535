// GitLab: `POST /api/v4/projects/:id/trigger/pipeline` with a trigger token (form: token, ref, variables[KEY]),
// then, with an API token, `GET /api/v4/projects/:id/pipelines/:pipeline_id` until the pipeline finishes.
import { bodySnippet, delay, send, withRetry } from '../http';
import type { PipelineConfig } from '../targets';
import type { PipelineOptions, PipelinePayload, PipelineResult, PipelineSecrets } from './types';

type GitLabConfig = Extract<PipelineConfig, { type: 'gitlab' }>;

const FINISHED: Record<string, boolean> = { success: true, failed: false, canceled: false, skipped: false };

export function gitlabVariables(payload: PipelinePayload): Record<string, string> {
  return {
    RUNLOG_MODEL: payload.reference,
    RUNLOG_MODEL_VERSION: payload.version,
    RUNLOG_MODEL_ALIAS: payload.alias ?? '',
    RUNLOG_MODEL_DIGEST: payload.digest,
    RUNLOG_RUN_ID: payload.runId,
    RUNLOG_EVENT: payload.event,
  };
}

export async function triggerGitLab(
  config: GitLabConfig,
  payload: PipelinePayload,
  secrets: PipelineSecrets,
  options: PipelineOptions,
): Promise<PipelineResult> {
  if (!secrets.token) {
    return {
      ok: false,
      status: 'not-triggered',
      message:
        'no GitLab trigger token: set one with "Runlog: Set Registry Credentials…" or RUNLOG_PIPELINE_TOKEN',
    };
  }
  const base = `${(config.url ?? 'https://gitlab.com').replace(/\/+$/, '')}/api/v4/projects/${encodeURIComponent(config.project)}`;
  const form = new URLSearchParams({ token: secrets.token, ref: config.ref ?? 'main' });
  for (const [key, value] of Object.entries(gitlabVariables(payload))) form.set(`variables[${key}]`, value);
  const response = await withRetry(
    () =>
      send({
        method: 'POST',
        url: `${base}/trigger/pipeline`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      }),
    options.retry,
  );
  if (response.status !== 201 && response.status !== 200) {
    return {
      ok: false,
      status: 'trigger-failed',
      message: `GitLab refused the pipeline trigger: HTTP ${response.status} ${bodySnippet(response)}`,
    };
  }
  const pipeline = JSON.parse(response.body.toString('utf8')) as {
    id?: number;
    status?: string;
    web_url?: string;
  };
  const url = pipeline.web_url;
  if (!pipeline.id || !secrets.apiToken || config.follow === false) {
    return {
      ok: true,
      status: pipeline.status ?? 'triggered',
      url,
      message: `pipeline ${pipeline.id ?? ''} triggered`.trim(),
    };
  }
  const deadline = Date.now() + (config.timeoutSeconds ?? 1800) * 1000;
  let last = pipeline.status ?? '';
  for (;;) {
    await delay(options.pollIntervalMs ?? 5000);
    const state = await withRetry(
      () =>
        send({
          method: 'GET',
          url: `${base}/pipelines/${pipeline.id}`,
          headers: { 'private-token': secrets.apiToken! },
        }),
      options.retry,
    );
    if (state.status !== 200) {
      return {
        ok: true,
        status: 'triggered',
        url,
        message: `pipeline triggered; its status cannot be read (HTTP ${state.status})`,
      };
    }
    const status = (JSON.parse(state.body.toString('utf8')) as { status?: string }).status ?? 'unknown';
    if (status in FINISHED)
      return { ok: FINISHED[status], status, url, message: `pipeline ${pipeline.id} ${status}` };
    if (status !== last) options.onStatus?.((last = status));
    if (Date.now() > deadline)
      return { ok: true, status, url, message: `pipeline ${pipeline.id} still ${status}` };
  }
}
