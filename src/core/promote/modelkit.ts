// A run's model as a KitOps ModelKit: an OCI image manifest whose config is the Kitfile as JSON and whose layers
// are tars of the model files (and the run's dataset manifests), annotated with where the model came from.
// Media types from KitOps (pkg/lib/constants/mediatype): kit pull / kit unpack read what Runlog pushes.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import type { ArtifactRecord, RunDocument } from '../store/types';
import { decodeNumber } from '../store/values';

export const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  artifactType: 'application/vnd.kitops.modelkit.manifest.v1+json',
  config: 'application/vnd.kitops.modelkit.config.v1+json',
  model: 'application/vnd.kitops.modelkit.model.v1.tar',
  modelPart: 'application/vnd.kitops.modelkit.modelpart.v1.tar',
  dataset: 'application/vnd.kitops.modelkit.dataset.v1.tar',
} as const;

/** Annotation keys Runlog writes (besides the standard org.opencontainers.image.* ones). */
export const ANNOTATION = {
  runId: 'dev.runlog.run.id',
  runName: 'dev.runlog.run.name',
  metrics: 'dev.runlog.metrics',
  paramsDigest: 'dev.runlog.params.digest',
  gitCommit: 'dev.runlog.git.commit',
  datasets: 'dev.runlog.datasets',
  version: 'org.opencontainers.image.version',
  created: 'org.opencontainers.image.created',
  revision: 'org.opencontainers.image.revision',
  title: 'org.opencontainers.image.title',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations: Record<string, string>;
}

/** One file or folder going into a layer, at `name` inside the tar. */
export interface LayerInput {
  mediaType: string;
  /** path inside the tar (and in the Kitfile), posix */
  name: string;
  /** absolute path on disk; a folder is packed recursively */
  source: string;
}

const EPOCH = new Date(0);

interface TarItem {
  name: string;
  abs: string;
  dir: boolean;
  size: number;
}

/** Files under `input.source` in a stable order, so the same model always gives the same layer digest. */
function listTarItems(input: LayerInput): TarItem[] {
  const root = statSync(input.source);
  if (!root.isDirectory()) return [{ name: input.name, abs: input.source, dir: false, size: root.size }];
  const items: TarItem[] = [{ name: `${input.name}/`, abs: input.source, dir: true, size: 0 }];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const abs = join(dir, entry.name);
      const name = posix.join(input.name, relative(input.source, abs).split(sep).join('/'));
      if (entry.isDirectory()) {
        items.push({ name: `${name}/`, abs, dir: true, size: 0 });
        walk(abs);
      } else if (entry.isFile()) items.push({ name, abs, dir: false, size: statSync(abs).size });
    }
  };
  walk(input.source);
  return items;
}

/** What identifies a layer's content cheaply (names, sizes, mtimes): the key of the layer-digest cache. */
export function layerFingerprint(input: LayerInput): string {
  const hash = createHash('sha256').update(input.mediaType);
  for (const item of listTarItems(input)) {
    hash.update(`${item.name}\0${item.size}\0${item.dir ? 0 : statSync(item.abs).mtimeMs}\n`);
  }
  return hash.digest('hex');
}

export function layerSize(input: LayerInput): number {
  return listTarItems(input).reduce((sum, item) => sum + item.size, 0);
}

/**
 * The exact byte size of tarLayer(input) when every entry fits a plain ustar header (names ≤ 100 bytes, files
 * < 8 GiB), else undefined. Lets the upload send Content-Length instead of chunked encoding.
 */
export function tarLayerSize(input: LayerInput): number | undefined {
  let total = 1024; // end-of-archive: two zero blocks
  for (const item of listTarItems(input)) {
    if (Buffer.byteLength(item.name) > 100 || item.size >= 8 ** 11) return undefined;
    total += 512 + Math.ceil(item.size / 512) * 512;
  }
  return total;
}

/** A deterministic tar of the input, streamed (one file open at a time, constant memory). */
export function tarLayer(input: LayerInput): Readable {
  // tar-stream's default 16 KB buffer let a 1 MB chunk through only once the previous one was sent, so the next file
  // read started only when the socket was free again: no read-ahead. A few chunks of buffer keep the socket fed.
  const pack = tar.pack({ highWaterMark: 4 * 1024 * 1024 });
  const items = listTarItems(input);
  void (async () => {
    for (const item of items) {
      const header = { name: item.name, mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '' };
      if (item.dir) {
        pack.entry({ ...header, type: 'directory', mode: 0o755 });
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...header, type: 'file', mode: 0o644, size: item.size }, (error) =>
          error ? reject(error) : resolve(),
        );
        pipeline(createReadStream(item.abs, { highWaterMark: 1024 * 1024 }), sink).catch(reject);
      });
    }
    pack.finalize();
  })().catch((error: Error) => pack.destroy(error));
  // tar-stream's pack is a streamx stream; Node's Readable.from gives the HTTP client a standard one.
  return Readable.from(pack, { objectMode: false, highWaterMark: 1024 * 1024 });
}

/** A tar holding one in-memory file (the dataset manifests). */
export function tarOfBuffer(name: string, content: Buffer): Readable {
  const pack = tar.pack();
  pack.entry(
    { name, mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '', mode: 0o644, size: content.length },
    content,
  );
  pack.finalize();
  return Readable.from(pack, { objectMode: false });
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** JSON with sorted keys, so digests of equal objects are equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The artifact's path inside the tar: relative to the run's artifacts/ folder. */
export function layerName(artifact: ArtifactRecord): string {
  return artifact.path.replace(/^artifacts\//, '').replace(/\/+$/, '');
}

/** The last value of each metric, at most `limit` of them (annotations should stay small). */
export function keyMetrics(doc: RunDocument, limit = 20): Record<string, number | string> {
  const metrics: Record<string, number | string> = {};
  for (const [name, summary] of Object.entries(doc.metrics).slice(0, limit)) {
    const value = decodeNumber(summary.last);
    metrics[name] = value !== undefined && Number.isFinite(value) ? value : String(summary.last);
  }
  return metrics;
}

export interface KitfileInput {
  packageName: string;
  version: string;
  doc: RunDocument;
  models: ArtifactRecord[];
  datasetsFile?: string;
}

/** The Kitfile (KitOps' `manifestVersion: 1.0.0` schema) as the config blob's JSON. */
export function buildKitfile(input: KitfileInput): Record<string, unknown> {
  const [main, ...parts] = input.models;
  const flavor = main.model?.flavor;
  const kitfile: Record<string, unknown> = {
    manifestVersion: '1.0.0',
    package: {
      name: input.packageName,
      version: input.version,
      description: `Model of Runlog run ${input.doc.name} (${input.doc.id}), experiment ${input.doc.experiment}`,
      ...(input.doc.capture.user ? { authors: [input.doc.capture.user] } : {}),
    },
    model: {
      name: main.model?.name ?? input.packageName,
      path: layerName(main),
      version: input.version,
      ...(flavor ? { framework: flavor } : {}),
      ...(Object.keys(input.doc.params).length ? { parameters: input.doc.params } : {}),
      ...(parts.length
        ? { parts: parts.map((p) => ({ name: p.model?.name ?? layerName(p), path: layerName(p) })) }
        : {}),
    },
  };
  if (input.datasetsFile) {
    kitfile.datasets = [
      {
        name: 'runlog-datasets',
        path: input.datasetsFile,
        description: 'digests of the datasets the run used',
      },
    ];
  }
  return kitfile;
}

export function buildAnnotations(doc: RunDocument, version: string, now: Date): Record<string, string> {
  const commit = doc.capture.git?.commit ?? undefined;
  const annotations: Record<string, string> = {
    [ANNOTATION.runId]: doc.id,
    [ANNOTATION.runName]: doc.name,
    [ANNOTATION.metrics]: JSON.stringify(keyMetrics(doc)),
    [ANNOTATION.paramsDigest]: sha256(canonicalJson(doc.params)),
    [ANNOTATION.version]: version,
    [ANNOTATION.created]: now.toISOString(),
  };
  if (commit) {
    annotations[ANNOTATION.gitCommit] = commit;
    annotations[ANNOTATION.revision] = commit;
  }
  if (doc.datasets.length) {
    annotations[ANNOTATION.datasets] = JSON.stringify(
      Object.fromEntries(
        doc.datasets.map((d) => [`${d.name}${d.role === 'output' ? ' (output)' : ''}`, d.digest]),
      ),
    );
  }
  return annotations;
}
