import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The store a command line means: RUNLOG_STORE, else the nearest `.runlog` folder above `cwd` (as the Python client). */
export function discoverStore(
  cwd: string,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  if (env.RUNLOG_STORE) return resolve(cwd, env.RUNLOG_STORE);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.runlog'))) return join(dir, '.runlog');
    if (dirname(dir) === dir) return undefined;
  }
}
