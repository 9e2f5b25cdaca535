import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { readAudit } from '../../../src/core/promote/audit';
import { triggerPipeline, type PipelinePayload } from '../../../src/core/promote/pipelines';
import { queryGates } from '../../../src/core/promote/queryGates';
import { promote, retryPipeline } from '../../../src/core/promote/promote';
import type { Target } from '../../../src/core/promote/targets';
import { startRegistry, type TestRegistry } from '../../fixtures/registry';
import { storeWithModelRun, type ModelRun } from './helpers';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP server recording every request; `answer` decides the response. */
async function recorder(
  answer: (r: Received, res: ServerResponse) => void,
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, body };
      received.push(r);
      answer(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

const payload: PipelinePayload = {
  event: 'promoted',
  reference: `127.0.0.1:5000/acme/churn@sha256:${'c'.repeat(64)}`,
  repository: '127.0.0.1:5000/acme/churn',
  version: '1.2.0',
  alias: 'production',
  digest: `sha256:${'c'.repeat(64)}`,
  runId: '20261122-050000-000-abcdef01',
};
const fast = { pollIntervalMs: 5, retry: { retries: 2, baseDelayMs: 5 } };

describe('pipelines', function () {
  this.timeout(30_000);
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await close(server);
  });

  describe('Standard Webhooks', () => {
    it('signs the delivery so that the standardwebhooks library verifies it', async () => {
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const { server, url, received } = await recorder((_r, res) => res.writeHead(204).end());
      servers.push(server);
      const result = await triggerPipeline(
        { type: 'webhook', url: `${url}/hooks/deploy` },
        payload,
        { webhookSecret: secret },
        fast,
      );
      assert.deepEqual(result, { ok: true, status: 'delivered', message: 'webhook delivered (HTTP 204)' });
      const [delivery] = received;
      assert.equal(delivery.method, 'POST');
      assert.equal(delivery.url, '/hooks/deploy');
      const verified = new Webhook(secret).verify(
        delivery.body,
        delivery.headers as Record<string, string>,
      ) as {
        type: string;
        data: PipelinePayload;
      };
      assert.equal(verified.type, 'model.promoted');
      assert.deepEqual(verified.data, payload);
      // A wrong secret does not verify: the signature really depends on it.
      assert.throws(() =>
        new Webhook(`whsec_${randomBytes(24).toString('base64')}`).verify(
          delivery.body,
          delivery.headers as Record<string, string>,
        ),
      );
    });

    it('retries a receiver failing with 503 using the same webhook-id, and reports a receiver that keeps failing', async () => {
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const { server, url, received } = await recorder((_r, res) => res.writeHead(503).end('maintenance'));
      servers.push(server);
      const result = await triggerPipeline(
        { type: 'webhook', url },
        payload,
        { webhookSecret: secret },
        fast,
      );
      assert.equal(result.ok, false);
      assert.match(result.message, /answered HTTP 503 maintenance/);
      assert.equal(received.length, 3);
      assert.equal(new Set(received.map((r) => r.headers['webhook-id'])).size, 1);
    });

    it('refuses plain HTTP to another machine and a missing secret, with what to do', async () => {
      const remote = await triggerPipeline(
        { type: 'webhook', url: 'http://deploy.example.com/hook' },
        payload,
        { webhookSecret: 'whsec_AAAA' },
        fast,
      );
      assert.match(remote.message, /plain HTTP is only used on this machine/);
      const noSecret = await triggerPipeline(
        { type: 'webhook', url: 'https://deploy.example.com/hook' },
        payload,
        {},
        fast,
      );
      assert.match(
        noSecret.message,
        /no webhook secret: set one with "Runlog: Set Registry Credentials…" or RUNLOG_WEBHOOK_SECRET/,
      );
    });
  });

  describe('GitHub Actions workflow_dispatch (contract test: github.com cannot be reached here)', () => {
    it('dispatches the workflow as GitHub documents it, then follows the run until it completes', async () => {
      let polls = 0;
      const { server, url, received } = await recorder((r, res) => {
        if (r.method === 'POST') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(
            JSON.stringify({
              workflow_run_id: 77,
              run_url: `${url}/repos/acme/deploy/actions/runs/77`,
              html_url: 'https://github.com/acme/deploy/actions/runs/77',
            }),
          );
        }
        polls++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            polls < 3
              ? { status: 'in_progress', conclusion: null }
              : {
                  status: 'completed',
                  conclusion: 'success',
                  html_url: 'https://github.com/acme/deploy/actions/runs/77',
                },
          ),
        );
      });
      servers.push(server);
      const statuses: string[] = [];
      const result = await triggerPipeline(
        { type: 'github', repository: 'acme/deploy', workflow: 'deploy.yml', ref: 'release', apiUrl: url },
        payload,
        { token: 'ghp_test' },
        { ...fast, onStatus: (s) => statuses.push(s) },
      );
      assert.deepEqual(result, {
        ok: true,
        status: 'success',
        url: 'https://github.com/acme/deploy/actions/runs/77',
        message: 'workflow run success',
      });
      const [dispatch, poll] = received;
      assert.equal(dispatch.method, 'POST');
      assert.equal(dispatch.url, '/repos/acme/deploy/actions/workflows/deploy.yml/dispatches');
      assert.equal(dispatch.headers.authorization, 'Bearer ghp_test');
      assert.equal(dispatch.headers.accept, 'application/vnd.github+json');
      assert.equal(dispatch.headers['x-github-api-version'], '2022-11-28');
      const body = JSON.parse(dispatch.body) as {
        ref: string;
        inputs: Record<string, unknown>;
        return_run_details: boolean;
      };
      assert.equal(body.ref, 'release');
      assert.equal(body.return_run_details, true);
      assert.deepEqual(body.inputs, {
        model: payload.reference,
        version: '1.2.0',
        alias: 'production',
        run_id: payload.runId,
        event: 'promoted',
      });
      assert.ok(
        Object.keys(body.inputs).length <= 10 &&
          Object.values(body.inputs).every((v) => typeof v === 'string'),
      );
      assert.equal(poll.method, 'GET');
      assert.equal(poll.url, '/repos/acme/deploy/actions/runs/77');
      assert.deepEqual(statuses, ['in_progress']);
    });

    it('accepts 204 (no run details) as triggered, and reports a failed run and a refused dispatch', async () => {
      const { server, url } = await recorder((r, res) => {
        if (r.url.includes('/workflows/old.yml/')) return void res.writeHead(204).end();
        if (r.url.includes('/workflows/missing.yml/'))
          return void res.writeHead(404).end('{"message":"Not Found"}');
        if (r.method === 'POST') return void res.writeHead(200).end(JSON.stringify({ workflow_run_id: 5 }));
        res.writeHead(200).end(JSON.stringify({ status: 'completed', conclusion: 'failure' }));
      });
      servers.push(server);
      const config = (workflow: string) => ({
        type: 'github' as const,
        repository: 'acme/deploy',
        workflow,
        apiUrl: url,
      });
      assert.equal(
        (await triggerPipeline(config('old.yml'), payload, { token: 't' }, fast)).status,
        'triggered',
      );
      const failed = await triggerPipeline(config('deploy.yml'), payload, { token: 't' }, fast);
      assert.deepEqual([failed.ok, failed.status], [false, 'failure']);
      const missing = await triggerPipeline(config('missing.yml'), payload, { token: 't' }, fast);
      assert.equal(missing.ok, false);
      assert.match(missing.message, /HTTP 404 .*on: workflow_dispatch/);
    });
  });

  describe('GitLab pipeline trigger (contract test: gitlab.com cannot be reached here)', () => {
    it('posts the trigger form as GitLab documents it, then follows the pipeline with the API token', async () => {
      let polls = 0;
      const { server, url, received } = await recorder((r, res) => {
        if (r.method === 'POST')
          return void res.writeHead(201).end(
            JSON.stringify({
              id: 901,
              status: 'created',
              web_url: 'https://gitlab.com/acme/deploy/-/pipelines/901',
            }),
          );
        polls++;
        res.writeHead(200).end(JSON.stringify({ id: 901, status: polls < 2 ? 'running' : 'success' }));
      });
      servers.push(server);
      const result = await triggerPipeline(
        { type: 'gitlab', project: 'acme/deploy', ref: 'main', url },
        payload,
        { token: 'glptt-trigger', apiToken: 'glpat-api' },
        fast,
      );
      assert.deepEqual(result, {
        ok: true,
        status: 'success',
        url: 'https://gitlab.com/acme/deploy/-/pipelines/901',
        message: 'pipeline 901 success',
      });
      const [trigger, poll] = received;
      assert.equal(trigger.method, 'POST');
      assert.equal(trigger.url, '/api/v4/projects/acme%2Fdeploy/trigger/pipeline');
      assert.equal(trigger.headers['content-type'], 'application/x-www-form-urlencoded');
      const form = new URLSearchParams(trigger.body);
      assert.equal(form.get('token'), 'glptt-trigger');
      assert.equal(form.get('ref'), 'main');
      assert.equal(form.get('variables[RUNLOG_MODEL]'), payload.reference);
      assert.equal(form.get('variables[RUNLOG_MODEL_VERSION]'), '1.2.0');
      assert.equal(form.get('variables[RUNLOG_MODEL_ALIAS]'), 'production');
      assert.equal(form.get('variables[RUNLOG_RUN_ID]'), payload.runId);
      assert.equal(poll.method, 'GET');
      assert.equal(poll.url, '/api/v4/projects/acme%2Fdeploy/pipelines/901');
      assert.equal(poll.headers['private-token'], 'glpat-api');
    });

    it("reports a refused trigger with GitLab's message", async () => {
      const { server, url } = await recorder((_r, res) =>
        res.writeHead(400).end('{"message":{"base":["Reference not found"]}}'),
      );
      servers.push(server);
      const result = await triggerPipeline(
        { type: 'gitlab', project: '42', url },
        payload,
        { token: 't' },
        fast,
      );
      assert.equal(result.ok, false);
      assert.match(result.message, /GitLab refused the pipeline trigger: HTTP 400 .*Reference not found/);
    });
  });

  describe('a local command', () => {
    it('runs with the model reference in its environment and reports its exit', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'runlog-cmd-'));
      try {
        const out = join(dir, 'env.txt');
        const ok = await triggerPipeline(
          {
            type: 'command',
            command: [
              'sh',
              '-c',
              `printf '%s %s %s' "$RUNLOG_MODEL" "$RUNLOG_MODEL_ALIAS" "$RUNLOG_RUN_ID" > ${out}; echo deployed`,
            ],
          },
          payload,
          {},
        );
        assert.deepEqual([ok.ok, ok.status], [true, 'success']);
        assert.match(ok.message, /deployed/);
        assert.equal(readFileSync(out, 'utf8'), `${payload.reference} production ${payload.runId}`);
        const bad = await triggerPipeline(
          { type: 'command', command: ['sh', '-c', 'echo boom >&2; exit 3'] },
          payload,
          {},
        );
        assert.deepEqual([bad.ok, bad.message], [false, 'sh exited with 3: boom']);
        const missing = await triggerPipeline(
          { type: 'command', command: ['/nonexistent/deploy'] },
          payload,
          {},
        );
        assert.match(missing.message, /cannot run \/nonexistent\/deploy: .*ENOENT/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('after a push', () => {
    let registry: TestRegistry;
    let fixture: ModelRun;
    before(async () => (registry = await startRegistry()));
    after(async () => registry?.stop());
    beforeEach(() => (fixture = storeWithModelRun()));
    afterEach(() => fixture.cleanup());

    it('records "pushed, pipeline failed" when the endpoint fails, and a retry that succeeds', async () => {
      let healthy = false;
      const { server, url, received } = await recorder((_r, res) =>
        res.writeHead(healthy ? 200 : 500).end(healthy ? 'ok' : 'down'),
      );
      servers.push(server);
      const target: Target = {
        name: 'hooked',
        registry: `${registry.host}/acme/hooked`,
        gates: [],
        aliases: [],
        pipeline: { type: 'webhook', url },
      };
      const secrets = { webhookSecret: `whsec_${randomBytes(24).toString('base64')}` };
      const result = await promote({
        storeRoot: fixture.storeRoot,
        run: fixture.run,
        target,
        artifacts: fixture.run.doc.artifacts.slice(0, 1),
        version: '2.0.0',
        alias: 'production',
        credentials: {},
        pipelineSecrets: secrets,
        evaluateGate: queryGates,
        user: { name: 'T' },
        pipelineOptions: fast,
      });
      assert.equal(result.outcome, 'pushed, pipeline failed');
      assert.match(result.pipeline!.message, /HTTP 500 down/);
      let audit = await readAudit(fixture.storeRoot);
      assert.deepEqual(
        audit.map((r) => [r.action, r.outcome]),
        [
          ['promote', 'pushed'],
          ['pipeline', 'pushed, pipeline failed'],
        ],
      );
      healthy = true;
      const retried = await retryPipeline(
        fixture.storeRoot,
        audit[0],
        target,
        secrets,
        { name: 'T' },
        { pipelineOptions: fast },
      );
      assert.equal(retried.ok, true);
      audit = await readAudit(fixture.storeRoot);
      assert.deepEqual(audit.at(-1)!.outcome, 'pipeline succeeded');
      assert.equal(audit.at(-1)!.id, audit[0].id);
      const body = JSON.parse(received.at(-1)!.body) as { data: PipelinePayload };
      assert.equal(body.data.digest, result.digest);
    });
  });
});
