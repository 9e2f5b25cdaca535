// GitHub Actions: `POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches` (workflow_dispatch), asking for
// the run's id (`return_run_details`), then following `GET /repos/{owner}/{repo}/actions/runs/{id}` until it completes.
import { bodySnippet, delay, send, withRetry } from '../http';
import type { PipelineConfig } from '../targets';
import type { PipelineOptions, PipelinePayload, PipelineResult, PipelineSecrets } from './types';

type GitHubConfig = Extract<PipelineConfig, { type: 'github' }>;

const API_VERSION = '2022-11-28';

function headers(token: string): Record<string, string> {
  return {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${token}`,
    'x-github-api-version': API_VERSION,
    'content-type': 'application/json',
  };
}

/** workflow_dispatch inputs are strings, at most 10 of them. */
export function githubInputs(payload: PipelinePayload): Record<string, string> {
  return {
    model: payload.reference,
    version: payload.version,
    alias: payload.alias ?? '',
    run_id: payload.runId,
    event: payload.event,
  };
}

export async function triggerGitHub(
  config: GitHubConfig,
  payload: PipelinePayload,
  secrets: PipelineSecrets,
  options: PipelineOptions,
): Promise<PipelineResult> {
  if (!secrets.token) {
    return {
      ok: false,
      status: 'not-triggered',
      message:
        'no GitHub token: set one with "Runlog: Set Registry Credentials…" (pipeline token) or RUNLOG_PIPELINE_TOKEN',
    };
  }
  const api = (config.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const repo = config.repository;
  const url = `${api}/repos/${repo}/actions/workflows/${encodeURIComponent(config.workflow)}/dispatches`;
  const body = JSON.stringify({
    ref: config.ref ?? 'main',
    inputs: githubInputs(payload),
    return_run_details: true,
  });
  const response = await withRetry(
    () => send({ method: 'POST', url, headers: headers(secrets.token!), body }),
    options.retry,
  );
  if (response.status !== 200 && response.status !== 204) {
    const hint =
      response.status === 404
        ? ' (is the workflow file right, and does it have an `on: workflow_dispatch` trigger?)'
        : response.status === 401 || response.status === 403
          ? ' (does the token have "Actions: write" on the repository?)'
          : response.status === 422
            ? ' (do the workflow inputs model, version, alias, run_id, event exist?)'
            : '';
    return {
      ok: false,
      status: 'trigger-failed',
      message: `GitHub refused the workflow dispatch: HTTP ${response.status} ${bodySnippet(response)}${hint}`,
    };
  }
  if (response.status === 204) {
    return { ok: true, status: 'triggered', message: `workflow ${config.workflow} dispatched on ${repo}` };
  }
  const details = JSON.parse(response.body.toString('utf8') || '{}') as {
    workflow_run_id?: number;
    run_url?: string;
    html_url?: string;
  };
  const htmlUrl = details.html_url;
  if (!details.workflow_run_id || config.follow === false) {
    return {
      ok: true,
      status: 'triggered',
      url: htmlUrl,
      message: `workflow ${config.workflow} dispatched on ${repo}`,
    };
  }
  const runUrl = details.run_url ?? `${api}/repos/${repo}/actions/runs/${details.workflow_run_id}`;
  return followGitHubRun(runUrl, htmlUrl, secrets.token, config.timeoutSeconds ?? 1800, options);
}

async function followGitHubRun(
  runUrl: string,
  htmlUrl: string | undefined,
  token: string,
  timeoutSeconds: number,
  options: PipelineOptions,
): Promise<PipelineResult> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const response = await withRetry(
      () => send({ method: 'GET', url: runUrl, headers: headers(token) }),
      options.retry,
    );
    if (response.status !== 200) {
      return {
        ok: true,
        status: 'triggered',
        url: htmlUrl,
        message: `workflow dispatched; its status cannot be read (HTTP ${response.status})`,
      };
    }
    const run = JSON.parse(response.body.toString('utf8')) as {
      status?: string;
      conclusion?: string | null;
      html_url?: string;
    };
    const url = run.html_url ?? htmlUrl;
    if (run.status === 'completed') {
      const conclusion = run.conclusion ?? 'unknown';
      return { ok: conclusion === 'success', status: conclusion, url, message: `workflow run ${conclusion}` };
    }
    if (run.status && run.status !== last) options.onStatus?.((last = run.status));
    if (Date.now() > deadline) {
      return {
        ok: true,
        status: run.status ?? 'triggered',
        url,
        message: `workflow run still ${run.status} after ${timeoutSeconds}s`,
      };
    }
    await delay(options.pollIntervalMs ?? 5000);
  }
}
