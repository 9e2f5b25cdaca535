// Text of the Promotions section (pure, no DOM; unit-tested): what a promotion's outcome, gates and pipeline say.
import type { PromotionEntry } from './contract';

export const ACTION_LABELS: Record<PromotionEntry['action'], string> = {
  promote: 'Promote',
  rollback: 'Rollback',
  override: 'Override',
};

/** "1.2.0 → production" (or only the version, or only the alias). */
export function promotionTarget(entry: PromotionEntry): string {
  const version = entry.version ?? '';
  return entry.alias ? `${version}${version ? ' → ' : ''}${entry.alias}` : version;
}

/** Each gate as "✓ expression" / "✗ expression: why", overridden gates marked so. */
export function gateLines(entry: PromotionEntry): { ok: boolean; text: string }[] {
  return entry.gates.map((gate) => ({
    ok: gate.ok,
    text: gate.ok
      ? gate.expression
      : `${gate.expression}: ${gate.details.join('; ') || 'not met'}${entry.action === 'override' ? ' (overridden)' : ''}`,
  }));
}

/** "command: exit 0 (success)", with the number of runs when the pipeline was retried. */
export function pipelineText(entry: PromotionEntry): string {
  const pipeline = entry.pipeline;
  if (!pipeline) return '';
  const runs = pipeline.runs > 1 ? ` (run ${pipeline.runs} times)` : '';
  return `${pipeline.type}: ${pipeline.status}${pipeline.message ? `, ${pipeline.message}` : ''}${runs}`;
}

/** The tone of the outcome pill: ok, warning (pipeline failed) or error. */
export function outcomeTone(entry: PromotionEntry): 'ok' | 'warning' | 'error' {
  if (entry.outcome === 'failed' || entry.outcome === 'blocked by gates') return 'error';
  if (entry.outcome === 'pushed, pipeline failed') return 'warning';
  return 'ok';
}
