// A client for one repository of an OCI distribution registry: blobs (HEAD to skip, streamed upload) and
// manifests (put, get, head, tags). Every request is retried on transient failures and answers auth challenges.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Authenticator, type RegistryCredentials } from './auth';
import {
  bodySnippet,
  DEFAULT_RETRY,
  isTransientStatus,
  type HttpResponse,
  NetworkError,
  type RetryOptions,
  send,
  withRetry,
} from './http';
import { formatRepository, isLoopbackHost, type Repository } from './reference';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface RegistryClientOptions {
  credentials?: RegistryCredentials;
  /** Plain HTTP for a registry that is not on this machine (loopback always uses HTTP). */
  allowInsecureHttp?: boolean;
  retry?: RetryOptions;
}

export interface BlobSource {
  /** A fresh stream of the blob's bytes; called again for each attempt. */
  open(): Readable;
  /** Known digest and size let the client skip a blob the registry has (HEAD) and upload in one PUT. */
  digest?: string;
  /** The exact byte count, sent as Content-Length (else the body is chunked). */
  size?: number;
}

export interface UploadedBlob {
  digest: string;
  size: number;
  /** The registry had it already. */
  skipped: boolean;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export class RegistryClient {
  private readonly auth: Authenticator;
  private readonly base: string;
  private readonly retry: RetryOptions;
  readonly display: string;

  constructor(
    readonly repository: Repository,
    options: RegistryClientOptions = {},
  ) {
    this.auth = new Authenticator(options.credentials ?? {}, repository.registry);
    const http = isLoopbackHost(repository.registry) || options.allowInsecureHttp;
    this.base = `${http ? 'http' : 'https'}://${repository.registry}`;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.display = formatRepository(repository);
  }

  private url(path: string): string {
    return `${this.base}/v2/${this.repository.name}/${path}`;
  }

  /** Sends a request (rebuilt by `build` for each attempt), answering one auth challenge and retrying transient failures. */
  private async call(
    build: () => { method: string; url: string; headers?: Record<string, string>; body?: Buffer | Readable },
    scope = `repository:${this.repository.name}:pull,push`,
  ): Promise<HttpResponse> {
    const attempt = () => {
      const request = build();
      return send({ ...request, headers: { ...request.headers, ...this.auth.header() } });
    };
    try {
      let response = await withRetry(attempt, this.retry);
      if (response.status === 401) {
        await this.auth.authorize(response.headers['www-authenticate'], scope);
        response = await withRetry(attempt, this.retry);
        if (response.status === 401) throw this.auth.refused();
      }
      return response;
    } catch (error) {
      if (error instanceof NetworkError) {
        throw new RegistryError(
          `the registry ${this.repository.registry} is not reachable (${error.code ?? error.message}). ` +
            "Is it running, and is the target's registry address right?",
        );
      }
      throw error;
    }
  }

  private fail(what: string, response: HttpResponse): RegistryError {
    let detail = bodySnippet(response);
    try {
      const body = JSON.parse(response.body.toString('utf8')) as {
        errors?: { code?: string; message?: string }[];
      };
      const first = body.errors?.[0];
      if (first) detail = [first.code, first.message].filter(Boolean).join(': ');
    } catch {
      // not JSON: keep the text
    }
    const denied = response.status === 403 ? ' (access denied: do the credentials allow pushing here?)' : '';
    return new RegistryError(
      `${what} at ${this.display} failed: HTTP ${response.status}${detail ? ` ${detail}` : ''}${denied}`,
      response.status,
    );
  }

  /** Checks that the registry answers and the credentials work (pull and push). */
  async ping(): Promise<void> {
    const response = await this.call(() => ({ method: 'GET', url: this.url('tags/list') }));
    if (response.status !== 200 && response.status !== 404) throw this.fail('listing tags', response);
  }

  async blobExists(digest: string): Promise<boolean> {
    const response = await this.call(() => ({ method: 'HEAD', url: this.url(`blobs/${digest}`) }));
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    throw this.fail(`checking blob ${digest}`, response);
  }

  /**
   * Uploads one blob. With a known digest: HEAD, then POST + one streamed PUT. Without: POST, one streamed PATCH
   * hashed on the way, then PUT `?digest=`. Memory stays constant; a failed attempt starts over from a fresh stream.
   */
  async uploadBlob(source: BlobSource, onBytes?: (sentInAttempt: number) => void): Promise<UploadedBlob> {
    if (source.digest && (await this.blobExists(source.digest))) {
      return { digest: source.digest, size: source.size ?? 0, skipped: true };
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.uploadOnce(source, onBytes);
      } catch (error) {
        // A stream that broke mid-way (connection reset) or a "try again later" answer is retried from the start
        // with a fresh stream; other registry answers are final.
        const transient =
          error instanceof NetworkError ||
          (error instanceof RegistryError && isTransientStatus(error.status ?? 0));
        if (!transient || attempt >= this.retry.retries) {
          if (error instanceof NetworkError) {
            throw new RegistryError(
              `uploading to ${this.display} failed ${attempt + 1} times; last: ${error.message}. Is the registry up and reachable?`,
            );
          }
          throw error;
        }
        this.retry.onRetry?.(attempt + 1, error.message);
        await new Promise((resolve) => setTimeout(resolve, this.retry.baseDelayMs * 2 ** attempt));
      }
    }
  }

  private async startUpload(): Promise<string> {
    const started = await this.call(() => ({
      method: 'POST',
      url: this.url('blobs/uploads/'),
      headers: { 'content-length': '0' },
    }));
    if (started.status !== 202) throw this.fail('starting an upload', started);
    const location = started.headers.location;
    if (!location) throw new RegistryError(`${this.display} started an upload but sent no Location`);
    return new URL(location, this.base).toString();
  }

  private async uploadOnce(source: BlobSource, onBytes?: (sent: number) => void): Promise<UploadedBlob> {
    let location = await this.startUpload();
    const hash = source.digest ? undefined : createHash('sha256');
    let sent = 0;
    const stream = source.open();
    stream.on('data', (chunk: Buffer) => {
      hash?.update(chunk);
      sent += chunk.length;
      onBytes?.(sent);
    });
    const headers = (extra: Record<string, string>) => ({
      'content-type': 'application/octet-stream',
      ...this.auth.header(),
      ...extra,
    });
    if (source.digest) {
      const url = withQuery(location, 'digest', source.digest);
      const sizeHeader: Record<string, string> =
        source.size !== undefined ? { 'content-length': String(source.size) } : {};
      const done = await send({
        method: 'PUT',
        url,
        headers: headers(sizeHeader),
        body: stream,
        timeoutMs: 600_000,
      });
      if (done.status !== 201) throw this.fail(`uploading blob ${source.digest}`, done);
      return { digest: source.digest, size: sent, skipped: false };
    }
    const length: Record<string, string> =
      source.size !== undefined ? { 'content-length': String(source.size) } : {};
    const patched = await send({
      method: 'PATCH',
      url: location,
      headers: headers(length),
      body: stream,
      timeoutMs: 600_000,
    });
    if (patched.status !== 202) throw this.fail('uploading a blob', patched);
    if (patched.headers.location) location = new URL(patched.headers.location, this.base).toString();
    const digest = `sha256:${hash!.digest('hex')}`;
    const done = await send({
      method: 'PUT',
      url: withQuery(location, 'digest', digest),
      headers: headers({ 'content-length': '0' }),
    });
    if (done.status !== 201) throw this.fail(`finishing blob ${digest}`, done);
    return { digest, size: sent, skipped: false };
  }

  /** Puts a manifest under a tag (or digest); returns the digest the registry stored. */
  async putManifest(reference: string, manifest: Buffer, mediaType: string): Promise<string> {
    const response = await this.call(() => ({
      method: 'PUT',
      url: this.url(`manifests/${reference}`),
      headers: { 'content-type': mediaType },
      body: manifest,
    }));
    if (response.status !== 201 && response.status !== 200)
      throw this.fail(`putting manifest ${reference}`, response);
    const header = response.headers['docker-content-digest'];
    return typeof header === 'string' && header
      ? header
      : `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  }

  /** The manifest's digest, or undefined when the tag does not exist. */
  async manifestDigest(reference: string): Promise<string | undefined> {
    const response = await this.call(() => ({
      method: 'HEAD',
      url: this.url(`manifests/${reference}`),
      headers: { accept: MANIFEST_TYPES.join(', ') },
    }));
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.fail(`looking up ${reference}`, response);
    const header = response.headers['docker-content-digest'];
    if (typeof header === 'string' && header) return header;
    return (await this.getManifest(reference))?.digest;
  }

  async getManifest(reference: string): Promise<Manifest | undefined> {
    const response = await this.call(() => ({
      method: 'GET',
      url: this.url(`manifests/${reference}`),
      headers: { accept: MANIFEST_TYPES.join(', ') },
    }));
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.fail(`reading manifest ${reference}`, response);
    return {
      digest: `sha256:${createHash('sha256').update(response.body).digest('hex')}`,
      mediaType: String(response.headers['content-type'] ?? MANIFEST_TYPES[0]).split(';')[0],
      bytes: response.body,
    };
  }

  async listTags(): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = this.url('tags/list?n=1000');
    while (url) {
      const current: string = url;
      const response = await this.call(() => ({ method: 'GET', url: current }));
      if (response.status === 404) return tags;
      if (response.status !== 200) throw this.fail('listing tags', response);
      const body = JSON.parse(response.body.toString('utf8')) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(String(response.headers.link ?? ''));
      url = link ? new URL(link[1], this.base).toString() : undefined;
    }
    return tags;
  }
}

function withQuery(location: string, key: string, value: string): string {
  const url = new URL(location);
  url.searchParams.set(key, value);
  return url.toString();
}
