// A small HTTP client over node:http(s): streaming request bodies with backpressure and bounded response bodies.
// Node's fetch (undici) would do, but streaming a 1 GB body through web streams costs throughput the benchmark
// measures, and registries need the raw status and headers anyway.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A buffer, or a stream (sent chunked unless `content-length` is set). */
  body?: Buffer | string | Readable;
  /** Response bodies larger than this are cut (manifests and error messages are small). */
  maxResponseBytes?: number;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  url: string;
}

/** A failure to talk to the server at all (refused, reset, timed out), as opposed to an HTTP error status. */
export class NetworkError extends Error {
  constructor(
    readonly url: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

export function send(request: HttpRequest): Promise<HttpResponse> {
  const url = new URL(request.url);
  const secure = url.protocol === 'https:';
  const transport = secure ? https : http;
  const max = request.maxResponseBytes ?? 4 * 1024 * 1024;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      reject(
        new NetworkError(request.url, error.code, `cannot reach ${url.host}: ${error.code ?? error.message}`),
      );
    };
    const req = transport.request(
      url,
      {
        method: request.method,
        headers: { 'user-agent': 'runlog', ...request.headers },
        agent: secure ? agents.https : agents.http,
        timeout: request.timeoutMs ?? 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < max) chunks.push(chunk.subarray(0, max - size));
          size += chunk.length;
        });
        res.on('end', () => {
          // A server that answers before reading the whole body (an error) leaves the source open: close it.
          if (request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) {
            if (!request.body.readableEnded) request.body.destroy();
          }
          settled = true;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            url: request.url,
          });
        });
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', fail);
    const body = request.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', (error) => {
        req.destroy(error);
        if (!settled) {
          settled = true;
          reject(error);
        }
      });
      body.pipe(req);
    }
  });
}

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number;
  /** First delay; doubled each time, with jitter. */
  baseDelayMs: number;
  onRetry?: (attempt: number, reason: string) => void;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 4, baseDelayMs: 500 };

/** Statuses a server uses for "try again later". */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * Runs `attempt` until it returns a response whose status is not transient, retrying network errors and transient
 * statuses with exponential backoff. `attempt` must rebuild its request (streams are not re-readable).
 */
export async function withRetry(
  attempt: () => Promise<HttpResponse>,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<HttpResponse> {
  for (let n = 0; ; n++) {
    let reason: string;
    try {
      const response = await attempt();
      if (!isTransientStatus(response.status) || n >= options.retries) return response;
      reason = `HTTP ${response.status}`;
      const retryAfter = Number(response.headers['retry-after']);
      if (Number.isFinite(retryAfter) && retryAfter > 0) {
        options.onRetry?.(n + 1, reason);
        await delay(Math.min(retryAfter * 1000, 30_000));
        continue;
      }
    } catch (error) {
      if (!(error instanceof NetworkError) || n >= options.retries) throw error;
      reason = error.message;
    }
    options.onRetry?.(n + 1, reason);
    await delay(options.baseDelayMs * 2 ** n * (0.75 + Math.random() * 0.5));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The response body as text, cut to a line a message can carry. */
export function bodySnippet(response: HttpResponse, max = 300): string {
  const text = response.body.toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
