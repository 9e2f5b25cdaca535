// Promotion: gates → push the run's model as a ModelKit → tag the version (never overwritten) → move the alias
// only once the version's manifest is confirmed → trigger the pipeline → audit every step.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ArtifactRecord, ReadableRun } from '../store/types';
import { appendAudit, type AuditRecord, type AuditUser } from './audit';
import type { RegistryCredentials } from './auth';
import { describeFailures, evaluateGates, failedGates, type GateEvaluator, type GateResult } from './gates';
import { LayerCache } from './layerCache';
import {
  buildAnnotations,
  buildKitfile,
  type Descriptor,
  layerFingerprint,
  layerName,
  layerSize,
  MEDIA,
  type OciManifest,
  sha256,
  tarLayer,
  tarLayerSize,
  tarOfBuffer,
  type LayerInput,
} from './modelkit';
import {
  triggerPipeline,
  type PipelineOptions,
  type PipelinePayload,
  type PipelineResult,
  type PipelineSecrets,
} from './pipelines';
import { formatReference, formatRepository, isValidTag, parseRepository } from './reference';
import { RegistryClient, RegistryError } from './registryClient';
import type { PipelineConfig, Target } from './targets';

export class GatesFailedError extends Error {
  constructor(readonly results: GateResult[]) {
    super(`the run does not pass the target's gates:\n${describeFailures(results)}`);
  }
}

export class TagExistsError extends Error {}

export interface PromoteProgress {
  phase: 'gates' | 'upload' | 'manifest' | 'alias' | 'pipeline';
  message: string;
  /** 0..1 of the bytes to upload */
  fraction?: number;
}

export interface PromoteRequest {
  storeRoot: string;
  run: ReadableRun;
  target: Target;
  /** the run's artifacts to push; the first is the model, the others model parts */
  artifacts: ArtifactRecord[];
  version: string;
  alias?: string;
  credentials: RegistryCredentials;
  pipelineSecrets: PipelineSecrets;
  evaluateGate: GateEvaluator;
  /** promote although gates fail; the caller has had the user confirm this explicitly */
  overrideGates?: boolean;
  user: AuditUser;
  onProgress?: (progress: PromoteProgress) => void;
  pipelineOptions?: PipelineOptions;
  clientOptions?: { retry?: { retries: number; baseDelayMs: number } };
  now?: () => Date;
}

export interface PromoteResult {
  id: string;
  reference: string;
  digest: string;
  version: string;
  alias?: string;
  gates: GateResult[];
  override: boolean;
  /** undefined when the target has no pipeline */
  pipeline?: PipelineResult;
  outcome: AuditRecord['outcome'];
  uploaded: { name: string; digest: string; size: number; skipped: boolean }[];
}

/** The artifacts a promotion pushes by default: those logged with log_model, else all of the run's artifacts. */
export function defaultModelArtifacts(run: ReadableRun): ArtifactRecord[] {
  const models = run.doc.artifacts.filter((a) => a.model);
  return models.length ? models : run.doc.artifacts;
}

function clientFor(
  target: Target,
  credentials: RegistryCredentials,
  options: PromoteRequest['clientOptions'],
): RegistryClient {
  return new RegistryClient(parseRepository(target.registry), {
    credentials,
    allowInsecureHttp: target.insecureHttp,
    retry: options?.retry,
  });
}

function checkTags(version: string, alias: string | undefined): void {
  if (!isValidTag(version))
    throw new Error(`"${version}" is not a valid tag (letters, digits, . _ -; at most 128)`);
  if (alias !== undefined && !isValidTag(alias)) throw new Error(`"${alias}" is not a valid alias tag`);
  if (alias === version) throw new Error('the alias must differ from the version');
}

export async function promote(request: PromoteRequest): Promise<PromoteResult> {
  const { run, target, version, alias, storeRoot } = request;
  const progress = request.onProgress ?? (() => undefined);
  const id = randomUUID();
  const now = request.now ?? (() => new Date());
  checkTags(version, alias);
  if (request.artifacts.length === 0) {
    throw new Error(
      `run ${run.doc.name} has no artifacts to promote: log the model with runlog.log_model(path, name=…)`,
    );
  }
  for (const artifact of request.artifacts) {
    if (!existsSync(join(run.dir, artifact.path))) {
      throw new Error(`the artifact ${artifact.path} of run ${run.id} is missing from ${run.dir}`);
    }
  }
  const repository = parseRepository(target.registry);
  const repoText = formatRepository(repository);
  const base: Omit<AuditRecord, 'outcome' | 'at'> = {
    id,
    action: 'promote',
    user: request.user,
    target: target.name,
    repository: repoText,
    runId: run.id,
    version,
    alias,
    artifacts: request.artifacts.map((a) => a.path),
  };

  progress({ phase: 'gates', message: 'Checking gates' });
  const gates = evaluateGates(target.gates, run.doc, request.evaluateGate);
  const failing = failedGates(gates).length > 0;
  if (failing && !request.overrideGates) {
    await appendAudit(storeRoot, { ...base, at: now().toISOString(), gates, outcome: 'blocked by gates' });
    throw new GatesFailedError(gates);
  }
  const override = failing && request.overrideGates === true;

  const client = clientFor(target, request.credentials, request.clientOptions);
  let digest: string;
  const uploaded: PromoteResult['uploaded'] = [];
  try {
    const existing = await client.manifestDigest(version);
    if (existing) {
      throw new TagExistsError(
        `version ${version} already exists at ${repoText} (${existing.slice(0, 19)}…). Runlog never overwrites a version: pick another one.`,
      );
    }
    const layers = await pushLayers(client, request, progress, uploaded);
    progress({ phase: 'manifest', message: `Tagging ${version}` });
    const kitfile = buildKitfile({
      packageName: target.packageName ?? repository.name.split('/').at(-1)!,
      version,
      doc: run.doc,
      models: request.artifacts,
      datasetsFile: layers.datasetsFile,
    });
    const config = Buffer.from(JSON.stringify(kitfile));
    const configBlob = await client.uploadBlob({
      open: () => bufferStream(config),
      digest: sha256(config),
      size: config.length,
    });
    const manifest: OciManifest = {
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      artifactType: MEDIA.artifactType,
      config: { mediaType: MEDIA.config, digest: configBlob.digest, size: config.length },
      layers: layers.descriptors,
      annotations: buildAnnotations(run.doc, version, now()),
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    digest = sha256(bytes);
    await client.putManifest(version, bytes, MEDIA.manifest);
    const confirmed = await client.manifestDigest(version);
    if (confirmed !== digest) {
      throw new RegistryError(
        `${repoText} did not confirm version ${version} (expected ${digest}, found ${confirmed ?? 'nothing'}); the alias was not moved`,
      );
    }
    if (alias) {
      progress({ phase: 'alias', message: `Moving ${alias} to ${version}` });
      await moveAlias(client, alias, bytes, digest);
    }
  } catch (error) {
    await appendAudit(storeRoot, {
      ...base,
      at: now().toISOString(),
      gates,
      override,
      outcome: 'failed',
      error: (error as Error).message,
    });
    throw error;
  }
  const reference = formatReference(repository, digest);
  await appendAudit(storeRoot, {
    ...base,
    at: now().toISOString(),
    gates,
    override,
    digest,
    reference,
    outcome: 'pushed',
  });
  const result: PromoteResult = {
    id,
    reference,
    digest,
    version,
    alias,
    gates,
    override,
    outcome: 'pushed',
    uploaded,
  };
  if (target.pipeline) {
    const payload: PipelinePayload = {
      event: 'promoted',
      reference,
      repository: repoText,
      version,
      alias,
      digest,
      runId: run.id,
    };
    result.pipeline = await runPipeline(storeRoot, base, target.pipeline, payload, request, progress, now);
    result.outcome = pipelineOutcome(result.pipeline);
  }
  return result;
}

function pipelineOutcome(result: PipelineResult): AuditRecord['outcome'] {
  if (!result.ok) return 'pushed, pipeline failed';
  return result.status === 'success' || result.status === 'delivered'
    ? 'pipeline succeeded'
    : 'pipeline triggered';
}

async function runPipeline(
  storeRoot: string,
  base: Omit<AuditRecord, 'outcome' | 'at'>,
  config: PipelineConfig,
  payload: PipelinePayload,
  request: { pipelineSecrets: PipelineSecrets; pipelineOptions?: PipelineOptions },
  progress: (p: PromoteProgress) => void,
  now: () => Date,
): Promise<PipelineResult> {
  progress({ phase: 'pipeline', message: `Triggering the ${config.type} pipeline` });
  const result = await triggerPipeline(config, payload, request.pipelineSecrets, {
    ...request.pipelineOptions,
    onStatus: (status) => {
      progress({ phase: 'pipeline', message: `Pipeline: ${status}` });
      request.pipelineOptions?.onStatus?.(status);
    },
  });
  await appendAudit(storeRoot, {
    ...base,
    action: 'pipeline',
    at: now().toISOString(),
    digest: payload.digest,
    reference: payload.reference,
    outcome: pipelineOutcome(result),
    pipeline: { ...result, type: config.type },
  });
  return result;
}

async function moveAlias(
  client: RegistryClient,
  alias: string,
  bytes: Buffer,
  digest: string,
): Promise<void> {
  await client.putManifest(alias, bytes, MEDIA.manifest);
  const moved = await client.manifestDigest(alias);
  if (moved !== digest) {
    throw new RegistryError(
      `${client.display} did not confirm alias ${alias} at ${digest} (found ${moved ?? 'nothing'})`,
    );
  }
}

/** A plain stream of the bytes (the config blob, a prebuilt small tar). */
function bufferStream(buffer: Buffer): Readable {
  return Readable.from([buffer]);
}

async function pushLayers(
  client: RegistryClient,
  request: PromoteRequest,
  progress: (p: PromoteProgress) => void,
  uploaded: PromoteResult['uploaded'],
): Promise<{ descriptors: Descriptor[]; datasetsFile?: string }> {
  const cache = new LayerCache(request.storeRoot);
  const inputs: LayerInput[] = request.artifacts.map((artifact, i) => ({
    mediaType: i === 0 ? MEDIA.model : MEDIA.modelPart,
    name: layerName(artifact),
    source: join(request.run.dir, artifact.path),
  }));
  const total = inputs.reduce((sum, input) => sum + layerSize(input), 0) || 1;
  let done = 0;
  const descriptors: Descriptor[] = [];
  for (const input of inputs) {
    const size = layerSize(input);
    progress({ phase: 'upload', message: `Uploading ${input.name}`, fraction: done / total });
    const fingerprint = layerFingerprint(input);
    const cached = await cache.get(fingerprint);
    let blob: { digest: string; size: number; skipped: boolean };
    if (cached && (await client.blobExists(cached.digest))) blob = { ...cached, skipped: true };
    else {
      let lastReport = 0;
      blob = await client.uploadBlob({ open: () => tarLayer(input), size: tarLayerSize(input) }, (sent) => {
        if (sent - lastReport < 8 * 1024 * 1024) return;
        lastReport = sent;
        progress({
          phase: 'upload',
          message: `Uploading ${input.name}`,
          fraction: Math.min(1, (done + sent) / total),
        });
      });
      await cache.set(fingerprint, { digest: blob.digest, size: blob.size });
    }
    done += size;
    uploaded.push({ name: input.name, ...blob });
    descriptors.push({
      mediaType: input.mediaType,
      digest: blob.digest,
      size: blob.size,
      annotations: { 'org.opencontainers.image.title': input.name },
    });
  }
  let datasetsFile: string | undefined;
  if (request.run.doc.datasets.length) {
    datasetsFile = 'runlog-datasets.json';
    const manifest = Buffer.from(JSON.stringify(request.run.doc.datasets, null, 2));
    // Built twice (digest, then upload) because it is small; the tar is deterministic.
    const tarBytes = await streamToBuffer(tarOfBuffer(datasetsFile, manifest));
    const blob = await client.uploadBlob({
      open: () => bufferStream(tarBytes),
      digest: sha256(tarBytes),
      size: tarBytes.length,
    });
    uploaded.push({ name: datasetsFile, ...blob });
    descriptors.push({
      mediaType: MEDIA.dataset,
      digest: blob.digest,
      size: tarBytes.length,
      annotations: { 'org.opencontainers.image.title': datasetsFile },
    });
  }
  return { descriptors, datasetsFile };
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

export interface RollbackRequest {
  /** 'rollback' (default): back to an earlier version; 'promote': point an alias at an existing version */
  action?: 'rollback' | 'promote';
  storeRoot: string;
  target: Target;
  version: string;
  alias: string;
  credentials: RegistryCredentials;
  pipelineSecrets: PipelineSecrets;
  user: AuditUser;
  onProgress?: (progress: PromoteProgress) => void;
  pipelineOptions?: PipelineOptions;
  clientOptions?: PromoteRequest['clientOptions'];
  now?: () => Date;
}

export interface RollbackResult {
  id: string;
  reference: string;
  digest: string;
  previous?: string;
  pipeline?: PipelineResult;
  outcome: AuditRecord['outcome'];
}

/** Points `alias` at an existing version (the same manifest bytes, so the same digest), then re-triggers the pipeline. */
export async function rollback(request: RollbackRequest): Promise<RollbackResult> {
  const { target, version, alias, storeRoot } = request;
  const now = request.now ?? (() => new Date());
  const progress = request.onProgress ?? (() => undefined);
  checkTags(version, alias);
  const repository = parseRepository(target.registry);
  const repoText = formatRepository(repository);
  const client = clientFor(target, request.credentials, request.clientOptions);
  const id = randomUUID();
  const action = request.action ?? 'rollback';
  const base: Omit<AuditRecord, 'outcome' | 'at'> = {
    id,
    action,
    user: request.user,
    target: target.name,
    repository: repoText,
    version,
    alias,
  };
  let digest: string;
  let previous: string | undefined;
  let runId: string | undefined;
  try {
    const manifest = await client.getManifest(version);
    if (!manifest) throw new RegistryError(`version ${version} does not exist at ${repoText}`);
    digest = manifest.digest;
    try {
      const parsed = JSON.parse(manifest.bytes.toString('utf8')) as { annotations?: Record<string, string> };
      runId = parsed.annotations?.['dev.runlog.run.id'];
    } catch {
      runId = undefined;
    }
    previous = await client.manifestDigest(alias);
    progress({ phase: 'alias', message: `Moving ${alias} to ${version}` });
    await client.putManifest(alias, manifest.bytes, manifest.mediaType);
    const moved = await client.manifestDigest(alias);
    if (moved !== digest) throw new RegistryError(`${repoText} did not confirm alias ${alias} at ${digest}`);
  } catch (error) {
    await appendAudit(storeRoot, {
      ...base,
      at: now().toISOString(),
      outcome: 'failed',
      error: (error as Error).message,
    });
    throw error;
  }
  const reference = formatReference(repository, digest);
  base.runId = runId;
  const outcome = action === 'rollback' ? 'rolled back' : 'pushed';
  await appendAudit(storeRoot, { ...base, at: now().toISOString(), digest, reference, outcome });
  const result: RollbackResult = { id, reference, digest, previous, outcome };
  if (target.pipeline) {
    const payload: PipelinePayload = {
      event: action === 'rollback' ? 'rolled-back' : 'promoted',
      reference,
      repository: repoText,
      version,
      alias,
      digest,
      runId: runId ?? '',
    };
    result.pipeline = await runPipeline(storeRoot, base, target.pipeline, payload, request, progress, now);
    result.outcome = result.pipeline.ok ? outcome : 'pushed, pipeline failed';
  }
  return result;
}

/** Triggers the pipeline again for a recorded promotion or rollback (after "pushed, pipeline failed"). */
export async function retryPipeline(
  storeRoot: string,
  record: AuditRecord,
  target: Target,
  pipelineSecrets: PipelineSecrets,
  user: AuditUser,
  options: {
    pipelineOptions?: PipelineOptions;
    onProgress?: (p: PromoteProgress) => void;
    now?: () => Date;
  } = {},
): Promise<PipelineResult> {
  if (!target.pipeline) throw new Error(`target ${target.name} has no pipeline`);
  if (!record.digest || !record.reference || !record.version) {
    throw new Error('this promotion never reached the registry; promote again instead');
  }
  const payload: PipelinePayload = {
    event: record.action === 'rollback' ? 'rolled-back' : 'promoted',
    reference: record.reference,
    repository: record.repository,
    version: record.version,
    alias: record.alias,
    digest: record.digest,
    runId: record.runId ?? '',
  };
  const base: Omit<AuditRecord, 'outcome' | 'at'> = { ...record, user };
  delete (base as Partial<AuditRecord>).error;
  return runPipeline(
    storeRoot,
    base,
    target.pipeline,
    payload,
    { pipelineSecrets, pipelineOptions: options.pipelineOptions },
    options.onProgress ?? (() => undefined),
    options.now ?? (() => new Date()),
  );
}
