/** `sha256:<hex>` for a stored digest with or without the prefix. */
export function fullDigest(digest: string): string {
  return digest.startsWith('sha256:') ? digest : `sha256:${digest}`;
}

/** The hex part of a digest with or without `sha256:`. */
export function hexOf(digest: string): string {
  return digest.startsWith('sha256:') ? digest.slice(7) : digest;
}

/** How a version is shown: the first 12 hex digits, as git shows commits. */
export function shortDigest(digest: string): string {
  return hexOf(digest).slice(0, 12);
}

export const isHex64 = (text: string): boolean => /^[0-9a-f]{64}$/.test(text);
