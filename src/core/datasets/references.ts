import type { RunDocument } from '../store/types';
import { fullDigest, hexOf } from './digests';

/** A version reference that does not name exactly one version, with what would. */
export class VersionReferenceError extends Error {}

export interface ReferenceContext {
  /** Hex digests known to the store: version records, runs' datasets, tracked entries. */
  knownDigests: Iterable<string>;
  /** Runs matching a run reference (id, unique id prefix or suffix, or name). */
  resolveRun(reference: string): Promise<RunDocument[]>;
}

const HEX_REF = /^(?:sha256:)?([0-9a-fA-F]{8,64})$/;

/** True when the text has the form of a digest or digest prefix (so it is not taken for a path or a run). */
export function looksLikeDigest(reference: string): boolean {
  return HEX_REF.test(reference);
}

/**
 * Resolves a version reference (interfaces §7): a full digest with or without `sha256:`, a unique prefix of at
 * least 8 hex digits (as git does), or `<run>:<name>` (the version of dataset `name` that the run logged).
 * Returns `sha256:<hex>`. Paths are the caller's business (they need versioning first).
 */
export async function resolveVersionReference(reference: string, context: ReferenceContext): Promise<string> {
  const text = reference.trim();
  const hex = HEX_REF.exec(text)?.[1]?.toLowerCase();
  if (hex) {
    if (hex.length === 64) return fullDigest(hex);
    const matches = [...new Set([...context.knownDigests].map(hexOf))].filter((d) => d.startsWith(hex));
    if (matches.length === 1) return fullDigest(matches[0]);
    if (matches.length === 0) throw new VersionReferenceError(`no dataset version starts with ${hex}`);
    throw new VersionReferenceError(
      `${hex} is ambiguous: it starts ${matches.length} versions (${matches.map((m) => m.slice(0, 12)).join(', ')}); give more digits`,
    );
  }
  const colon = text.lastIndexOf(':');
  if (colon > 0 && colon < text.length - 1) {
    const runRef = text.slice(0, colon);
    const name = text.slice(colon + 1);
    const runs = await context.resolveRun(runRef);
    if (runs.length === 0) throw new VersionReferenceError(`no run matches "${runRef}"`);
    if (runs.length > 1)
      throw new VersionReferenceError(
        `"${runRef}" matches ${runs.length} runs: ${runs.map((r) => r.id).join(', ')}`,
      );
    const run = runs[0];
    const logged = run.datasets.filter((d) => d.name === name);
    const digests = [...new Set(logged.map((d) => hexOf(d.digest)))];
    if (digests.length === 1) return fullDigest(digests[0]);
    if (digests.length === 0) {
      const names = [...new Set(run.datasets.map((d) => d.name))];
      throw new VersionReferenceError(
        `run ${run.name} (${run.id}) logged no dataset named "${name}"` +
          (names.length ? `; it logged: ${names.join(', ')}` : '; it logged no datasets'),
      );
    }
    throw new VersionReferenceError(
      `run ${run.name} logged ${digests.length} versions of "${name}" (roles ${logged.map((d) => d.role).join(', ')}); give a digest instead`,
    );
  }
  throw new VersionReferenceError(
    `"${reference}" is not a version: give a digest (sha256:… or at least 8 hex digits), <run>:<dataset name>, or a path`,
  );
}
