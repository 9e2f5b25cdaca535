// Formatting helpers for webviews (pure, no DOM). Metric values and durations use src/core/format.ts so a run reads
// the same in the webview as in the tree views and the CLI.

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 1536 → "1.5 KB" (powers of 1024, like the Explorer). */
export function formatBytes(bytes: unknown): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return '';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  return `${digits > 0 ? text.replace(/\.?0+$/, '') : text} ${BYTE_UNITS[unit]}`;
}

/** A digest for display: the algorithm prefix is dropped and the hex shortened (`sha256:9f3a…` → `9f3a0c1e2b4d`). */
export function shortDigest(digest: unknown, length = 12): string {
  if (typeof digest !== 'string') return '';
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.length > length ? hex.slice(0, length) : hex;
}

/** 12345 → "12,345" (integers), other numbers as they are. */
export function formatCount(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}

/** An ISO time as a local date and time ("2026-11-21 22:18:15"), or the input when it does not parse. */
export function formatLocalTime(iso: unknown): string {
  if (typeof iso !== 'string') return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** Unix seconds as a local time of day ("22:18:15"). */
export function formatClock(unixSeconds: number): string {
  if (!Number.isFinite(unixSeconds)) return '';
  const date = new Date(unixSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A command line for display: arguments with spaces or quotes are single-quoted, POSIX-style. */
export function formatCommandLine(args: readonly unknown[]): string {
  return args
    .map((arg) => String(arg))
    .map((arg) =>
      arg === '' || /[\s'"\\$`!*?;&|<>(){}[\]#~]/.test(arg) ? `'${arg.replace(/'/g, `'\\''`)}'` : arg,
    )
    .join(' ');
}
