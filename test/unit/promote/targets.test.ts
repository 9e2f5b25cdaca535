import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFailures, evaluateGates } from '../../../src/core/promote/gates';
import { queryGates } from '../../../src/core/promote/queryGates';
import { tarLayer, tarLayerSize } from '../../../src/core/promote/modelkit';
import { parseRepository } from '../../../src/core/promote/reference';
import { envSecretName, envSecrets } from '../../../src/core/promote/secrets';
import { findTargetsFile, parseTargets, readTargets } from '../../../src/core/promote/targets';
import { suggestNextVersion } from '../../../src/core/promote/versions';
import { makeRunDocument } from '../../fixtures/runs';

describe('promotion targets, references and versions', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'runlog-targets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the committed targets file from the workspace or a parent folder', () => {
    writeFileSync(
      join(dir, 'runlog.targets.json'),
      JSON.stringify({
        targets: {
          prod: {
            registry: 'ghcr.io/acme/churn',
            gates: ['metrics.acc >= 0.9'],
            aliases: ['staging', 'production'],
            pipeline: { type: 'github', repository: 'acme/deploy', workflow: 'deploy.yml' },
          },
        },
      }),
    );
    mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
    const file = findTargetsFile(join(dir, 'src', 'deep'));
    assert.equal(file, join(dir, 'runlog.targets.json'));
    const [target] = readTargets(file);
    assert.equal(target.name, 'prod');
    assert.deepEqual(target.gates, ['metrics.acc >= 0.9']);
    assert.deepEqual(target.pipeline, {
      type: 'github',
      repository: 'acme/deploy',
      workflow: 'deploy.yml',
      ref: undefined,
      apiUrl: undefined,
      follow: undefined,
      timeoutSeconds: undefined,
    });
  });

  it('rejects secrets, bad registries and bad pipelines with the place and the fix', () => {
    assert.throws(
      () => parseTargets({ targets: { a: { registry: 'ghcr.io/a/b', password: 'x' } } }),
      /target "a" has "password": secrets do not belong/,
    );
    assert.throws(
      () =>
        parseTargets({
          targets: {
            a: { registry: 'ghcr.io/a/b', pipeline: { type: 'webhook', url: 'https://x', secret: 's' } },
          },
        }),
      /secrets do not belong/,
    );
    assert.throws(
      () => parseTargets({ targets: { a: { registry: 'churn' } } }),
      /not an OCI repository: write host\/name/,
    );
    assert.throws(
      () => parseTargets({ targets: { a: { registry: 'ghcr.io/Acme/Churn' } } }),
      /not a repository name/,
    );
    assert.throws(
      () => parseTargets({ targets: { a: { registry: 'ghcr.io/a/b', pipeline: { type: 'jenkins' } } } }),
      /must be github, gitlab, webhook or command/,
    );
    assert.throws(
      () =>
        parseTargets({
          targets: { a: { registry: 'ghcr.io/a/b', pipeline: { type: 'command', command: 'deploy.sh' } } },
        }),
      /needs "command": \["program"/,
    );
    assert.throws(() => parseTargets([]), /must hold \{"targets"/);
    writeFileSync(join(dir, 'runlog.targets.json'), '{ nope');
    assert.throws(() => readTargets(join(dir, 'runlog.targets.json')), /is not valid JSON/);
  });

  it('parses repositories, spelling out Docker Hub', () => {
    assert.deepEqual(parseRepository('localhost:5000/churn'), { registry: 'localhost:5000', name: 'churn' });
    assert.deepEqual(parseRepository('docker.io/acme/churn'), {
      registry: 'registry-1.docker.io',
      name: 'acme/churn',
    });
    assert.deepEqual(parseRepository('oci://ghcr.io/acme/ml/churn'), {
      registry: 'ghcr.io',
      name: 'acme/ml/churn',
    });
  });

  it('suggests the next minor version, keeping a "v" prefix, ignoring aliases', () => {
    assert.equal(suggestNextVersion([]), '1.0.0');
    assert.equal(suggestNextVersion(['production', '1.0.0', '1.10.0', '1.9.3']), '1.11.0');
    assert.equal(suggestNextVersion(['v0.3.1', 'staging']), 'v0.4.0');
  });

  it('takes secrets from target-specific environment variables first, then the generic ones', async () => {
    const secrets = envSecrets({
      RUNLOG_PROD_EU_REGISTRY_PASSWORD: 'specific',
      RUNLOG_REGISTRY_PASSWORD: 'generic',
      RUNLOG_PIPELINE_TOKEN: 'tok',
    });
    assert.equal(envSecretName('prod-eu', 'registryPassword'), 'RUNLOG_PROD_EU_REGISTRY_PASSWORD');
    assert.equal(await secrets.get('prod-eu', 'registryPassword'), 'specific');
    assert.equal(await secrets.get('other', 'registryPassword'), 'generic');
    assert.equal(await secrets.get('other', 'pipelineToken'), 'tok');
    assert.equal(await secrets.get('other', 'webhookSecret'), undefined);
  });
});

describe('gates in the query language', () => {
  it('pass, fail with the comparison that failed, and report a malformed gate instead of throwing', () => {
    const doc = makeRunDocument({ status: 'finished', metrics: {} });
    doc.metrics.acc = { last: 0.85, min: 0.5, max: 0.85, count: 3, step: 2, time: 0 };
    doc.capture.git = { commit: 'abc', branch: 'main', dirty: true, diffFile: null, remote: null };
    const results = evaluateGates(
      [
        'metrics.acc >= 0.8 and status == "finished"',
        'metrics.acc >= 0.9',
        'git.dirty == false',
        'metrics.acc >>= 1',
      ],
      doc,
      queryGates,
    );
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, false, false, false],
    );
    assert.match(results[1].details.join(), /metrics\.acc = 0\.85, needs >= 0\.9/);
    assert.match(results[2].details.join(), /git\.dirty/);
    assert.match(results[3].details.join(), /not a valid gate at character/);
    assert.match(describeFailures(results), /^metrics\.acc >= 0\.9: metrics\.acc = 0\.85, needs >= 0\.9$/m);
  });
});

describe('ModelKit layers', () => {
  it('predicts the exact size of a layer tar, so uploads can send Content-Length', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlog-tar-'));
    try {
      mkdirSync(join(dir, 'm', 'sub'), { recursive: true });
      writeFileSync(join(dir, 'm', 'a.bin'), Buffer.alloc(1000, 1));
      writeFileSync(join(dir, 'm', 'sub', 'b.txt'), 'x');
      writeFileSync(join(dir, 'm', 'empty'), '');
      for (const input of [
        { mediaType: 'x', name: 'model', source: join(dir, 'm') },
        { mediaType: 'x', name: 'a.bin', source: join(dir, 'm', 'a.bin') },
      ]) {
        let bytes = 0;
        for await (const chunk of tarLayer(input)) bytes += (chunk as Buffer).length;
        assert.equal(tarLayerSize(input), bytes);
      }
      assert.equal(
        tarLayerSize({ mediaType: 'x', name: 'n'.repeat(101), source: join(dir, 'm', 'a.bin') }),
        undefined,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
