// Reads the file list of a .vsix (a zip) and checks it against what the extension may ship.
// Used by scripts/package.mjs (fails the packaging) and by the e2e tests (asserts it again).
import { readFileSync } from 'node:fs';

/** Names of the entries in a zip file, read from its central directory. */
export function listZip(zipPath) {
  const buf = readFileSync(zipPath);
  // End of central directory record: signature 0x06054b50, at most 64 KiB of comment after it.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${zipPath}: bad central directory`);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    names.push(buf.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

// Every shipped file must match one of these (paths inside the vsix).
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/license(\.txt|\.md)?$/i,
  /^extension\/dist\/(extension|cli)\.js$/,
  /^extension\/dist\/webview\/.+/,
  /^extension\/dist\/python\/.+/,
  /^extension\/media\/.+/,
];

// Never shipped, with the reason shown when one slips in.
const FORBIDDEN = [
  [/\.map$/, 'source map'],
  [/(^|\/)src\//, 'sources (src/)'],
  [/(^|\/)tests?\//, 'tests'],
  [/(^|\/)node_modules\//, 'node_modules'],
  [/(^|\/)scripts\//, 'scripts'],
  [/(^|\/)docs\//, 'docs'],
  [/(^|\/)demo\//, 'demo'],
  [/(^|\/)\.cache\//, '.cache'],
  [/(^|\/)out\//, 'compiled tests (out/)'],
  [/(^|\/)__pycache__\//, 'Python bytecode'],
  [/\.pyc$/, 'Python bytecode'],
  [/\.vsix$/, 'a package inside the package'],
  [/\.ts$/, 'TypeScript source'],
];

const REQUIRED = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/cli.js'];

/** Problems with a vsix file list (empty when it ships exactly what runs). */
export function vsixProblems(names) {
  const problems = [];
  for (const name of names) {
    const forbidden = FORBIDDEN.find(([re]) => re.test(name));
    if (forbidden) problems.push(`${name}: ${forbidden[1]} must not be packaged`);
    else if (!ALLOWED.some((re) => re.test(name))) problems.push(`${name}: not an allowed path`);
  }
  for (const name of REQUIRED) {
    if (!names.includes(name)) problems.push(`${name}: missing`);
  }
  return problems;
}
