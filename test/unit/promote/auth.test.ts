import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readAudit } from '../../../src/core/promote/audit';
import { queryGates } from '../../../src/core/promote/queryGates';
import { promote } from '../../../src/core/promote/promote';
import { RegistryClient } from '../../../src/core/promote/registryClient';
import { parseRepository } from '../../../src/core/promote/reference';
import type { Target } from '../../../src/core/promote/targets';
import { freePort, skopeoRawManifest, startRegistry, type TestRegistry } from '../../fixtures/registry';
import { storeWithModelRun, type ModelRun } from './helpers';

const user = { name: 'Test User' };
const fastRetry = { retries: 2, baseDelayMs: 10 };

describe('registry authentication and failures (real docker-registry)', function () {
  this.timeout(60_000);
  let fixture: ModelRun;
  beforeEach(() => (fixture = storeWithModelRun()));
  afterEach(() => fixture.cleanup());

  const push = (target: Target, credentials = {}) =>
    promote({
      storeRoot: fixture.storeRoot,
      run: fixture.run,
      target,
      artifacts: fixture.run.doc.artifacts.slice(0, 1),
      version: '1.0.0',
      alias: 'production',
      credentials,
      pipelineSecrets: {},
      evaluateGate: queryGates,
      user,
      clientOptions: { retry: fastRetry },
    });

  describe('with basic auth (htpasswd)', () => {
    let registry: TestRegistry;
    before(async () => (registry = await startRegistry({ user: 'alice', password: 's3cret' })));
    after(async () => registry?.stop());

    it('pushes with the right credentials', async () => {
      const target: Target = {
        name: 'auth',
        registry: `${registry.host}/team/model`,
        gates: [],
        aliases: [],
      };
      const result = await push(target, { username: 'alice', password: 's3cret' });
      const raw = skopeoRawManifest(`${target.registry}:production`, 'alice:s3cret');
      assert.equal(
        (JSON.parse(raw) as { annotations: Record<string, string> }).annotations['dev.runlog.run.id'],
        fixture.run.id,
      );
      assert.equal(result.outcome, 'pushed');
    });

    it('says the credentials were refused, and records the failure without moving anything', async () => {
      const target: Target = {
        name: 'auth',
        registry: `${registry.host}/team/refused`,
        gates: [],
        aliases: [],
      };
      await assert.rejects(
        push(target, { username: 'alice', password: 'wrong' }),
        /refused access as "alice".*Set Registry Credentials/s,
      );
      await assert.rejects(push(target), /refused access without credentials/);
      assert.throws(() => skopeoRawManifest(`${target.registry}:production`, 'alice:s3cret'));
      const audit = await readAudit(fixture.storeRoot);
      assert.deepEqual(
        audit.map((r) => r.outcome),
        ['failed', 'failed'],
      );
    });
  });

  describe('with the bearer-token flow', () => {
    // docker-registry's token auth needs a signing PKI; instead a front on loopback speaks the distribution
    // token protocol (401 + WWW-Authenticate: Bearer → token endpoint) and forwards authorized requests to the
    // real registry, so the pushed bytes still land in, and are read back from, a real registry.
    let registry: TestRegistry;
    let front: Server;
    let frontHost: string;
    const scopes: string[] = [];
    before(async () => {
      registry = await startRegistry();
      front = createServer((req, res) => {
        const url = new URL(req.url!, 'http://front');
        if (url.pathname === '/token') {
          scopes.push(`${url.searchParams.get('service')} ${url.searchParams.get('scope')}`);
          const basic = Buffer.from('bob:hunter2').toString('base64');
          if (req.headers.authorization !== `Basic ${basic}`) return void res.writeHead(401).end();
          return void res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ token: 'tok-123' }));
        }
        if (req.headers.authorization !== 'Bearer tok-123') {
          res.writeHead(401, {
            'www-authenticate': `Bearer realm="http://${frontHost}/token",service="front",scope="repository:team/model:pull,push"`,
          });
          return void res.end();
        }
        const upstream = httpRequest(
          {
            host: '127.0.0.1',
            port: registry.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: registry.host },
          },
          (response) => {
            const headers = { ...response.headers };
            if (headers.location) headers.location = headers.location.replace(registry.host, frontHost);
            res.writeHead(response.statusCode!, headers);
            response.pipe(res);
          },
        );
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
      frontHost = `127.0.0.1:${(front.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise((resolve) => front?.close(resolve));
      await registry?.stop();
    });

    it('answers the challenge at the token endpoint with basic credentials, then pushes with the token', async () => {
      const target: Target = { name: 'bearer', registry: `${frontHost}/team/model`, gates: [], aliases: [] };
      const result = await push(target, { username: 'bob', password: 'hunter2' });
      assert.ok(scopes.includes('front repository:team/model:pull,push'));
      const raw = skopeoRawManifest(`${registry.host}/team/model:1.0.0`);
      assert.equal(
        (JSON.parse(raw) as { annotations: Record<string, string> }).annotations['dev.runlog.run.id'],
        fixture.run.id,
      );
      assert.equal(result.reference, `${frontHost}/team/model@${result.digest}`);
    });

    it('says the token endpoint refused the credentials', async () => {
      const target: Target = { name: 'bearer', registry: `${frontHost}/team/model`, gates: [], aliases: [] };
      await assert.rejects(push(target, { username: 'bob', password: 'nope' }), /refused access as "bob"/);
    });
  });

  it('says a registry that is down is not reachable, after retrying, and records the failure', async () => {
    const port = await freePort();
    const target: Target = { name: 'down', registry: `127.0.0.1:${port}/x/y`, gates: [], aliases: [] };
    await assert.rejects(
      push(target),
      /registry 127\.0\.0\.1:\d+ is not reachable \(ECONNREFUSED\)\. Is it running/,
    );
    const [record] = await readAudit(fixture.storeRoot);
    assert.equal(record.outcome, 'failed');
    assert.match(record.error!, /not reachable/);
  });

  it('retries transient failures (503) with backoff and then succeeds', async () => {
    let calls = 0;
    const flaky = createServer((_req, res) => {
      calls++;
      if (calls < 3) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"tags":["1.0.0"]}');
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    try {
      const client = new RegistryClient(
        parseRepository(`127.0.0.1:${(flaky.address() as AddressInfo).port}/a/b`),
        {
          retry: { retries: 3, baseDelayMs: 5 },
        },
      );
      assert.deepEqual(await client.listTags(), ['1.0.0']);
      assert.equal(calls, 3);
    } finally {
      await new Promise((resolve) => flaky.close(resolve));
    }
  });

  it('starts a blob upload over with a fresh stream when the connection breaks mid-way or the registry answers 503', async () => {
    const registry = await startRegistry();
    const patches: string[] = [];
    const front = createServer((req, res) => {
      if (req.method === 'PATCH') {
        patches.push(patches.length === 0 ? 'reset' : patches.length === 1 ? '503' : 'proxied');
        if (patches.length === 1) {
          // read some of the body, then cut the connection
          req.once('data', () => req.socket.destroy());
          return;
        }
        if (patches.length === 2) {
          req.resume();
          return void req.on('end', () => res.writeHead(503).end());
        }
      }
      const upstream = httpRequest(
        { host: '127.0.0.1', port: registry.port, method: req.method, path: req.url, headers: req.headers },
        (response) => {
          res.writeHead(response.statusCode!, response.headers);
          response.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(front.address() as AddressInfo).port}`;
      fixture.cleanup();
      fixture = storeWithModelRun({}, Buffer.alloc(3 * 1024 * 1024, 7));
      const result = await push({ name: 'flaky', registry: `${host}/team/flaky`, gates: [], aliases: [] });
      assert.deepEqual(patches, ['reset', '503', 'proxied']);
      const raw = skopeoRawManifest(`${registry.host}/team/flaky:1.0.0`);
      assert.equal(
        (JSON.parse(raw) as { layers: { size: number }[] }).layers[0].size,
        result.uploaded[0].size,
      );
    } finally {
      await new Promise((resolve) => front.close(resolve));
      await registry.stop();
    }
  });

  it('uses HTTPS for a registry that is not on this machine unless the target allows HTTP', () => {
    const remote = new RegistryClient(parseRepository('registry.example.com/a/b'));
    const insecure = new RegistryClient(parseRepository('registry.example.com/a/b'), {
      allowInsecureHttp: true,
    });
    const local = new RegistryClient(parseRepository('localhost:5000/a/b'));
    const base = (c: RegistryClient) => (c as unknown as { base: string }).base;
    assert.equal(base(remote), 'https://registry.example.com');
    assert.equal(base(insecure), 'http://registry.example.com');
    assert.equal(base(local), 'http://localhost:5000');
  });
});
