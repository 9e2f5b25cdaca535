// What a target's repository holds, for the Registry view and `runlog versions`: version tags (newest first) with
// their digest, run, date and key metrics from the manifest's annotations, the aliases pointing at each, and the
// last pipeline result the audit log knows for that digest.
import type { AuditRecord } from './audit';
import { ANNOTATION } from './modelkit';
import type { RegistryClient } from './registryClient';
import { isVersionTag, sortVersionsNewestFirst } from './versions';

export interface RegistryVersion {
  tag: string;
  digest: string;
  runId?: string;
  runName?: string;
  created?: string;
  metrics: Record<string, number | string>;
  aliases: string[];
  /** `promotionId`: the audit id of the promotion or rollback it ran for (what Retry Pipeline takes) */
  lastPipeline?: { ok: boolean; status: string; message: string; at: string; promotionId: string };
}

export async function listRegistryVersions(
  client: RegistryClient,
  audit: AuditRecord[] = [],
  limit = 30,
): Promise<RegistryVersion[]> {
  const tags = await client.listTags();
  const versionTags = sortVersionsNewestFirst(tags).slice(0, limit);
  const aliasTags = tags.filter((t) => !isVersionTag(t));
  const [versions, aliasDigests] = await Promise.all([
    Promise.all(versionTags.map((tag) => readVersion(client, tag))),
    Promise.all(aliasTags.map(async (alias) => [alias, await client.manifestDigest(alias)] as const)),
  ]);
  const result: RegistryVersion[] = [];
  for (const version of versions) {
    if (!version) continue;
    version.aliases = aliasDigests.filter(([, digest]) => digest === version.digest).map(([alias]) => alias);
    const last = [...audit].reverse().find((r) => r.digest === version.digest && r.pipeline);
    if (last?.pipeline) {
      version.lastPipeline = {
        ok: last.pipeline.ok,
        status: last.pipeline.status,
        message: last.pipeline.message,
        at: last.at,
        promotionId: last.id,
      };
    }
    result.push(version);
  }
  return result;
}

async function readVersion(client: RegistryClient, tag: string): Promise<RegistryVersion | undefined> {
  const manifest = await client.getManifest(tag);
  if (!manifest) return undefined;
  let annotations: Record<string, string> = {};
  try {
    annotations =
      (JSON.parse(manifest.bytes.toString('utf8')) as { annotations?: Record<string, string> }).annotations ??
      {};
  } catch {
    // not JSON: a version without Runlog's annotations
  }
  let metrics: Record<string, number | string> = {};
  try {
    metrics = annotations[ANNOTATION.metrics]
      ? (JSON.parse(annotations[ANNOTATION.metrics]) as Record<string, number | string>)
      : {};
  } catch {
    metrics = {};
  }
  return {
    tag,
    digest: manifest.digest,
    runId: annotations[ANNOTATION.runId],
    runName: annotations[ANNOTATION.runName],
    created: annotations[ANNOTATION.created],
    metrics,
    aliases: [],
  };
}
