// Version tags are semantic versions (optionally with a leading "v"); every other tag is an alias.
import * as semver from 'semver';

export function isVersionTag(tag: string): boolean {
  return semver.valid(tag.replace(/^v/, '')) !== null;
}

/** The next minor version after the highest version tag, keeping the "v" prefix style; 1.0.0 for the first. */
export function suggestNextVersion(tags: string[]): string {
  const versions = tags.filter(isVersionTag);
  if (versions.length === 0) return '1.0.0';
  const highest = versions.sort((a, b) => semver.rcompare(a.replace(/^v/, ''), b.replace(/^v/, '')))[0];
  const next = semver.inc(highest.replace(/^v/, ''), 'minor')!;
  return highest.startsWith('v') ? `v${next}` : next;
}

export function sortVersionsNewestFirst(tags: string[]): string[] {
  return tags.filter(isVersionTag).sort((a, b) => semver.rcompare(a.replace(/^v/, ''), b.replace(/^v/, '')));
}
