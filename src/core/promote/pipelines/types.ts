// What every pipeline trigger gets and gives back.

export interface PipelinePayload {
  event: 'promoted' | 'rolled-back';
  /** repository@digest: the exact model, whatever the tags do later */
  reference: string;
  repository: string;
  version: string;
  alias?: string;
  digest: string;
  runId: string;
}

export interface PipelineSecrets {
  /** GitHub token (Actions: write), or GitLab trigger token */
  token?: string;
  /** GitLab API token, to follow a triggered pipeline's status */
  apiToken?: string;
  /** Standard Webhooks secret (whsec_…) */
  webhookSecret?: string;
}

export interface PipelineResult {
  ok: boolean;
  /** triggered | queued | in_progress | success | failure | … as the service says */
  status: string;
  url?: string;
  message: string;
}

export interface PipelineOptions {
  /** how often to poll a followed run */
  pollIntervalMs?: number;
  /** status changes while following */
  onStatus?: (status: string) => void;
  /** the workspace folder a command runs in */
  cwd?: string;
  retry?: { retries: number; baseDelayMs: number };
}
