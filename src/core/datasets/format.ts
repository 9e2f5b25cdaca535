/** Bytes for people: 1,234 B, 12.3 kB, 4.56 GB (powers of 1000, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toPrecision(value < 10 ? 3 : value < 100 ? 3 : 4).replace(/\.0+$/, '')} ${units[unit]}`;
}
