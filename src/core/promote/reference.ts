// OCI repository references: `host[:port]/path/name`, with a tag (`:v1`) or digest (`@sha256:…`) for one manifest.

export interface Repository {
  /** host[:port] as written, e.g. `ghcr.io` or `127.0.0.1:5000`. */
  registry: string;
  /** the repository path, e.g. `acme/churn`. */
  name: string;
}

const NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Parses `host[:port]/name` (no tag or digest). Docker Hub short names are spelled out (`docker.io/library/x`). */
export function parseRepository(text: string): Repository {
  const trimmed = text.trim().replace(/^(oci|docker):\/\//, '');
  const slash = trimmed.indexOf('/');
  if (slash <= 0) {
    throw new Error(
      `"${text}" is not an OCI repository: write host/name, e.g. ghcr.io/acme/churn or localhost:5000/churn`,
    );
  }
  const registry = trimmed.slice(0, slash);
  const name = trimmed.slice(slash + 1);
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(registry) && !/^\[[0-9a-fA-F:]+\](:\d+)?$/.test(registry)) {
    throw new Error(`"${registry}" in "${text}" is not a registry host[:port]`);
  }
  if (!NAME.test(name)) {
    throw new Error(
      `"${name}" in "${text}" is not a repository name (lowercase letters, digits, . _ - separated by /)`,
    );
  }
  return { registry: registry === 'docker.io' ? 'registry-1.docker.io' : registry, name };
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function formatRepository(repo: Repository): string {
  return `${repo.registry}/${repo.name}`;
}

export function formatReference(repo: Repository, tagOrDigest: string): string {
  return DIGEST.test(tagOrDigest)
    ? `${formatRepository(repo)}@${tagOrDigest}`
    : `${formatRepository(repo)}:${tagOrDigest}`;
}

/** Hosts on this machine, where plain HTTP cannot be read by anyone else. */
export function isLoopbackHost(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
