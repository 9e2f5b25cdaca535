import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAudit } from '../../../src/core/promote/audit';
import { MEDIA } from '../../../src/core/promote/modelkit';
import { queryGates } from '../../../src/core/promote/queryGates';
import { promote, rollback, TagExistsError } from '../../../src/core/promote/promote';
import type { Target } from '../../../src/core/promote/targets';
import {
  skopeoCopyToLayout,
  skopeoRawManifest,
  startRegistry,
  type TestRegistry,
} from '../../fixtures/registry';
import { storeWithModelRun, type ModelRun } from './helpers';

const user = { name: 'Test User', email: 'test@example.com' };

describe('promotion to a real registry (docker-registry on loopback, read back with skopeo)', function () {
  this.timeout(60_000);
  let registry: TestRegistry;
  let fixture: ModelRun;
  let target: Target;
  const temps: string[] = [];

  before(async () => {
    registry = await startRegistry();
  });
  after(async () => {
    await registry?.stop();
  });
  beforeEach(() => {
    fixture = storeWithModelRun();
    target = {
      name: 'local',
      registry: `${registry.host}/acme/churn-${Math.random().toString(36).slice(2, 8)}`,
      gates: ['metrics.acc >= 0.9'],
      aliases: [],
    };
  });
  afterEach(() => {
    fixture.cleanup();
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const push = (version: string, alias?: string, extra: Partial<Parameters<typeof promote>[0]> = {}) =>
    promote({
      storeRoot: fixture.storeRoot,
      run: fixture.run,
      target,
      artifacts: fixture.run.doc.artifacts,
      version,
      alias,
      credentials: {},
      pipelineSecrets: {},
      evaluateGate: queryGates,
      user,
      ...extra,
    });

  it('pushes a KitOps ModelKit that skopeo reads back byte for byte, with the run in its annotations', async () => {
    const result = await push('1.0.0', 'staging');
    const raw = skopeoRawManifest(`${target.registry}:1.0.0`);
    assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, result.digest);
    const manifest = JSON.parse(raw) as {
      artifactType: string;
      config: { mediaType: string };
      layers: { mediaType: string; annotations: Record<string, string> }[];
      annotations: Record<string, string>;
    };
    assert.equal(manifest.artifactType, MEDIA.artifactType);
    assert.equal(manifest.config.mediaType, MEDIA.config);
    assert.deepEqual(
      manifest.layers.map((l) => [l.mediaType, l.annotations['org.opencontainers.image.title']]),
      [
        [MEDIA.model, 'model.bin'],
        [MEDIA.modelPart, 'tokenizer'],
        [MEDIA.dataset, 'runlog-datasets.json'],
      ],
    );
    assert.equal(manifest.annotations['dev.runlog.run.id'], fixture.run.id);
    assert.equal(manifest.annotations['dev.runlog.git.commit'], 'a'.repeat(40));
    assert.deepEqual(JSON.parse(manifest.annotations['dev.runlog.metrics']), { acc: 0.93, loss: 0.2 });
    assert.match(manifest.annotations['dev.runlog.params.digest'], /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(JSON.parse(manifest.annotations['dev.runlog.datasets']), {
      train: `sha256:${'b'.repeat(64)}`,
    });
    // The alias points at the same manifest.
    assert.equal(skopeoRawManifest(`${target.registry}:staging`), raw);
    assert.equal(result.reference, `${target.registry}@${result.digest}`);
  });

  it('stores the model and the Kitfile so that an independent client can fetch and verify every blob', async () => {
    const result = await push('1.0.0');
    const layout = mkdtempSync(join(tmpdir(), 'runlog-layout-'));
    temps.push(layout);
    skopeoCopyToLayout(`${target.registry}@${result.digest}`, layout);
    const manifest = JSON.parse(skopeoRawManifest(`${target.registry}:1.0.0`)) as {
      config: { digest: string };
      layers: { digest: string }[];
    };
    const blob = (digest: string) => readFileSync(join(layout, 'blobs', 'sha256', digest.slice(7)));
    const kitfile = JSON.parse(blob(manifest.config.digest).toString('utf8')) as {
      manifestVersion: string;
      package: { version: string };
      model: { path: string; framework: string; parts: unknown };
    };
    assert.equal(kitfile.manifestVersion, '1.0.0');
    assert.equal(kitfile.package.version, '1.0.0');
    assert.deepEqual(kitfile.model.path, 'model.bin');
    assert.equal(kitfile.model.framework, 'sklearn');
    assert.deepEqual(kitfile.model.parts, [{ name: 'tokenizer', path: 'tokenizer' }]);
    // The model layer is a tar holding model.bin: list it with the system tar.
    const listing = execFileSync(
      'tar',
      ['-tvf', join(layout, 'blobs', 'sha256', manifest.layers[0].digest.slice(7))],
      { encoding: 'utf8' },
    );
    assert.match(listing, /model\.bin/);
    const parts = execFileSync(
      'tar',
      ['-tf', join(layout, 'blobs', 'sha256', manifest.layers[1].digest.slice(7))],
      { encoding: 'utf8' },
    );
    assert.deepEqual(parts.trim().split('\n'), [
      'tokenizer/',
      'tokenizer/sub/',
      'tokenizer/sub/x.json',
      'tokenizer/vocab.txt',
    ]);
  });

  it('never overwrites a version: a second push of the same version fails and leaves the tag and the alias as they were', async () => {
    const first = await push('1.0.0', 'production');
    await assert.rejects(push('1.0.0', 'production'), (error: Error) => {
      assert.ok(error instanceof TagExistsError);
      assert.match(error.message, /version 1\.0\.0 already exists .* never overwrites a version/);
      return true;
    });
    const raw = skopeoRawManifest(`${target.registry}:production`);
    assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, first.digest);
    const audit = await readAudit(fixture.storeRoot);
    assert.deepEqual(
      audit.map((r) => r.outcome),
      ['pushed', 'failed'],
    );
    assert.match(audit[1].error!, /already exists/);
  });

  it('skips blobs the registry already has when the same model is pushed again', async () => {
    const first = await push('1.0.0');
    assert.ok(first.uploaded.every((u) => !u.skipped));
    const second = await push('1.1.0');
    assert.deepEqual(
      second.uploaded.map((u) => u.skipped),
      [true, true, true],
    );
    assert.deepEqual(
      second.uploaded.map((u) => u.digest),
      first.uploaded.map((u) => u.digest),
    );
  });

  it('blocks a run that fails a gate, saying which and why, and pushes nothing', async () => {
    fixture.cleanup();
    fixture = storeWithModelRun({}, undefined, 0.85);
    await assert.rejects(
      push('1.0.0', 'production'),
      /metrics\.acc >= 0\.9: metrics\.acc = 0\.85, needs >= 0\.9/,
    );
    assert.throws(() => skopeoRawManifest(`${target.registry}:1.0.0`));
    const audit = await readAudit(fixture.storeRoot);
    assert.equal(audit.length, 1);
    assert.equal(audit[0].outcome, 'blocked by gates');
    assert.equal(audit[0].gates![0].ok, false);
  });

  it('records an explicit override of failing gates in the audit log', async () => {
    fixture.cleanup();
    fixture = storeWithModelRun({}, undefined, 0.85);
    const result = await push('1.0.0', undefined, { overrideGates: true });
    assert.equal(result.override, true);
    const [record] = await readAudit(fixture.storeRoot);
    assert.equal(record.override, true);
    assert.equal(record.outcome, 'pushed');
    assert.deepEqual(record.user, user);
    assert.equal(record.digest, result.digest);
  });

  it('rolls an alias back to an earlier version, with the same digest as that version', async () => {
    const v1 = await push('1.0.0', 'production');
    const v1Run = fixture.run.id;
    fixture.cleanup();
    fixture = storeWithModelRun({}, Buffer.from('weights-v2\n'));
    const v2 = await push('1.1.0', 'production');
    assert.notEqual(v1.digest, v2.digest);
    const back = await rollback({
      storeRoot: fixture.storeRoot,
      target,
      version: '1.0.0',
      alias: 'production',
      credentials: {},
      pipelineSecrets: {},
      user,
    });
    assert.equal(back.digest, v1.digest);
    assert.equal(back.previous, v2.digest);
    const raw = skopeoRawManifest(`${target.registry}:production`);
    assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, v1.digest);
    const audit = await readAudit(fixture.storeRoot);
    assert.equal(audit.at(-1)!.outcome, 'rolled back');
    assert.equal(audit.at(-1)!.runId, v1Run);
  });
});
