// A generic webhook, signed per the Standard Webhooks specification (webhook-id, webhook-timestamp,
// webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">), by its reference library.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { bodySnippet, send, withRetry } from '../http';
import { isLoopbackHost } from '../reference';
import type { PipelineConfig } from '../targets';
import type { PipelineOptions, PipelinePayload, PipelineResult, PipelineSecrets } from './types';

type WebhookConfig = Extract<PipelineConfig, { type: 'webhook' }>;

export async function triggerWebhook(
  config: WebhookConfig,
  payload: PipelinePayload,
  secrets: PipelineSecrets,
  options: PipelineOptions,
): Promise<PipelineResult> {
  if (!secrets.webhookSecret) {
    return {
      ok: false,
      status: 'not-triggered',
      message: 'no webhook secret: set one with "Runlog: Set Registry Credentials…" or RUNLOG_WEBHOOK_SECRET',
    };
  }
  const url = new URL(config.url);
  if (url.protocol === 'http:' && !isLoopbackHost(url.host) && !config.allowInsecureHttp) {
    return {
      ok: false,
      status: 'not-triggered',
      message: `${config.url}: plain HTTP is only used on this machine; use https (or set allowInsecureHttp)`,
    };
  }
  let signer: Webhook;
  try {
    signer = new Webhook(secrets.webhookSecret);
  } catch (error) {
    return {
      ok: false,
      status: 'not-triggered',
      message: `the webhook secret is not usable: ${(error as Error).message}`,
    };
  }
  const id = `msg_${randomUUID()}`;
  const body = JSON.stringify({
    type: `model.${payload.event}`,
    timestamp: new Date().toISOString(),
    data: payload,
  });
  // One id and signature for every retry: the receiver can drop duplicates by webhook-id.
  const now = new Date();
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signer.sign(id, now, body),
  };
  const response = await withRetry(
    () => send({ method: 'POST', url: config.url, headers, body }),
    options.retry,
  );
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, status: 'delivered', message: `webhook delivered (HTTP ${response.status})` };
  }
  return {
    ok: false,
    status: 'failed',
    message: `the webhook at ${url.host} answered HTTP ${response.status} ${bodySnippet(response)}`.trim(),
  };
}
