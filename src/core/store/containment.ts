import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Keeps reads and "Open" actions inside the store (docs/store-format.md, "Symbolic links"). A run folder, run.json
 * or artifact may be a symbolic link; what it resolves to must still be inside the store, or Runlog refuses it:
 * a repository with a committed `.runlog/` could otherwise make the editor open or write any file of the user.
 */
export type Resolved = { ok: true; path: string } | { ok: false; reason: string };

/** Whether `path` is `base` or below it (both already absolute and resolved). */
export function isInside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function realpath(path: string): string | NodeJS.ErrnoException {
  try {
    return realpathSync(path);
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

/**
 * The real path of `relPath` under `base`, if it exists and stays inside `base` once every symbolic link is
 * resolved. `what` names the thing in the reason ("artifact", "run folder").
 */
export function resolveInside(base: string, relPath: string, what = 'file'): Resolved {
  if (typeof relPath !== 'string' || relPath === '' || relPath.includes('\0')) {
    return { ok: false, reason: `the ${what} path ${JSON.stringify(relPath)} is not a valid path` };
  }
  if (isAbsolute(relPath)) {
    return {
      ok: false,
      reason: `the ${what} path ${relPath} is absolute; only paths inside the store are opened`,
    };
  }
  const lexical = resolve(base, relPath);
  if (!isInside(resolve(base), lexical)) {
    return { ok: false, reason: `the ${what} path ${relPath} leaves its folder` };
  }
  const realBase = realpath(base);
  if (realBase instanceof Error) return { ok: false, reason: `${base} cannot be read: ${realBase.message}` };
  const real = realpath(lexical);
  if (real instanceof Error) {
    return {
      ok: false,
      reason:
        real.code === 'ENOENT'
          ? `the ${what} ${relPath} does not exist`
          : `the ${what} ${relPath}: ${real.message}`,
    };
  }
  if (!isInside(realBase, real)) {
    return {
      ok: false,
      reason: `the ${what} ${relPath} is a link to ${real}, outside the store; Runlog does not follow it`,
    };
  }
  return { ok: true, path: real };
}

/** A path inside the store root (`runs/<id>`, `trash/<id>`…). */
export function resolveInsideStore(root: string, relPath: string): Resolved {
  return resolveInside(root, relPath, 'store path');
}

/** A file of one run (`artifacts/model.pt`, `output.log`): the run folder must be in the store, the file in it. */
export function resolveInsideRun(root: string, runId: string, relPath: string): Resolved {
  const dir = resolveInside(root, join('runs', runId), 'run folder');
  if (!dir.ok) return dir;
  return resolveInside(dir.path, relPath, 'file');
}
