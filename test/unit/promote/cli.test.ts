import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runPromoteCli } from '../../../src/cli/promoteCommands';
import { readAudit } from '../../../src/core/promote/audit';
import { skopeoRawManifest, startRegistry, type TestRegistry } from '../../fixtures/registry';
import { storeWithModelRun, type ModelRun } from './helpers';

async function cli(argv: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await runPromoteCli(argv, { write: (chunk: string) => (text += chunk) });
  return { code, text };
}

describe('runlog promote / rollback / versions (real docker-registry)', function () {
  this.timeout(60_000);
  let registry: TestRegistry;
  let fixture: ModelRun;
  before(async () => (registry = await startRegistry()));
  after(async () => registry?.stop());
  beforeEach(() => (fixture = storeWithModelRun({}, undefined, 0.85)));
  afterEach(() => fixture.cleanup());

  it('promotes with --registry and --yes, suggests the next version, lists versions, and rolls back', async () => {
    const repo = `${registry.host}/cli/churn`;
    const store = fixture.storeRoot;
    const first = await cli([
      'promote',
      fixture.run.id,
      '--store',
      store,
      '--registry',
      repo,
      '--alias',
      'production',
      '--yes',
      '--json',
    ]);
    assert.equal(first.code, 0);
    const pushed = JSON.parse(first.text) as { version: string; digest: string };
    assert.equal(pushed.version, '1.0.0');
    const second = await cli([
      'promote',
      'winner',
      '--store',
      store,
      '--registry',
      repo,
      '--alias',
      'production',
      '--yes',
      '--artifact',
      'model.bin',
    ]);
    assert.match(
      second.text,
      /pushed 127\.0\.0\.1:\d+\/cli\/churn@sha256:[0-9a-f]{64}\n {2}version 1\.1\.0, alias production/,
    );
    const listed = await cli(['versions', '--store', store, '--registry', repo]);
    assert.match(listed.text, /^VERSION\s+ALIASES\s+DIGEST\s+RUN/);
    assert.match(listed.text, /\n1\.1\.0\s+production\s+[0-9a-f]{12}\s+winner/);
    const back = await cli([
      'rollback',
      '--store',
      store,
      '--registry',
      repo,
      '--version',
      '1.0.0',
      '--alias',
      'production',
      '--yes',
    ]);
    assert.match(back.text, /^production → 1\.0\.0/);
    const manifest = JSON.parse(skopeoRawManifest(`${repo}:production`)) as {
      annotations: Record<string, string>;
    };
    assert.equal(manifest.annotations['org.opencontainers.image.version'], '1.0.0');
    const audit = await readAudit(store);
    assert.deepEqual(
      audit.map((r) => [r.action, r.outcome]),
      [
        ['promote', 'pushed'],
        ['promote', 'pushed'],
        ['rollback', 'rolled back'],
      ],
    );
  });

  it("applies the target's gates from runlog.targets.json, and overrides them only when asked", async () => {
    writeFileSync(
      join(dirname(fixture.storeRoot), 'runlog.targets.json'),
      JSON.stringify({
        targets: { prod: { registry: `${registry.host}/cli/gated`, gates: ['metrics.acc >= 0.9'] } },
      }),
    );
    const store = fixture.storeRoot;
    await assert.rejects(
      cli(['promote', fixture.run.id, '--store', store, '--target', 'prod', '--yes']),
      /metrics\.acc >= 0\.9: metrics\.acc = 0\.85, needs >= 0\.9\nPromote anyway with --override-gates/,
    );
    const forced = await cli([
      'promote',
      fixture.run.id,
      '--store',
      store,
      '--target',
      'prod',
      '--yes',
      '--override-gates',
    ]);
    assert.match(forced.text, /^gates overridden \(recorded in the audit log\)/);
    const audit = await readAudit(store);
    assert.deepEqual(
      audit.map((r) => [r.outcome, r.override ?? false]),
      [
        ['blocked by gates', false],
        ['pushed', true],
      ],
    );
    await assert.rejects(
      cli(['promote', fixture.run.id, '--store', store, '--target', 'nope', '--yes']),
      /no target "nope" in .*runlog\.targets\.json; it has: prod/,
    );
    await assert.rejects(
      cli(['promote', fixture.run.id, '--store', store, '--target', 'prod']),
      /pass --yes/,
    );
  });
});
