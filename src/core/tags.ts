// The tag syntax of the Tag Run command, shared with the CLI.

/** Parses `a=1 b -c` into {a: '1', b: 'true', c: ''} ('' removes); undefined when malformed. */
export function parseTags(input: string): Record<string, string> | undefined {
  const tags: Record<string, string> = {};
  const words = input.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  for (const word of words) {
    const match = /^(-)?([\w.\-/:]+)(?:=(.*))?$/.exec(word);
    if (!match || (match[1] && match[3] !== undefined)) return undefined;
    tags[match[2]] = match[1] ? '' : (match[3] ?? 'true');
  }
  return tags;
}
