import type { RunDocument } from '../../core/store/types';

/**
 * Placeholder until the core's verifyRunProcess (src/core/store/processIdentity.ts, branch `store`) is merged:
 * no pid from a run document is trusted, so only processes this window started can be stopped.
 */
export function verifyRunProcess(
  doc: RunDocument,
): { ok: true; pid: number } | { ok: false; reason: string } {
  return {
    ok: false,
    reason: `it was not started from this window and its process ${doc.capture.pid ?? '(unknown)'} cannot be verified as the run's own. Stop it where it runs (Ctrl-C in its terminal).`,
  };
}
