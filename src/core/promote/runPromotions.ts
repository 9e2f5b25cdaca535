// The promotions of one run as its details page shows them: the audit lines of each promotion or rollback (they
// share an id: the push, then each pipeline result, then retries) merged into one entry, newest first. Fed
// incrementally (AuditTail hands over only new lines), so an open page never re-reads the trail.
import type { AuditOutcome, AuditRecord } from './audit';
import type { GateResult } from './gates';

export type PromotionAction = 'promote' | 'rollback' | 'override';

export interface PromotionEntry {
  /** the promotion's audit id (what Retry Pipeline takes) */
  id: string;
  /** when it started (its first audit line) */
  at: string;
  /** "name <email>" from git config, or "unknown" */
  user: string;
  /** override: promoted although gates failed, confirmed explicitly */
  action: PromotionAction;
  target?: string;
  repository: string;
  version?: string;
  alias?: string;
  digest?: string;
  /** repository@digest */
  reference?: string;
  outcome: AuditOutcome;
  gates: GateResult[];
  pipeline?: {
    type: string;
    ok: boolean;
    status: string;
    message: string;
    url?: string;
    /** when the latest result was recorded */
    at: string;
    /** how many times the pipeline ran (1 + retries) */
    runs: number;
  };
  /** why the push failed */
  error?: string;
  /** pushed, pipeline failed: Retry Pipeline applies */
  canRetry: boolean;
}

export function formatAuditUser(user: AuditRecord['user'] | undefined): string {
  return [user?.name, user?.email ? `<${user.email}>` : ''].filter(Boolean).join(' ') || 'unknown';
}

export class RunPromotions {
  private readonly entries = new Map<string, PromotionEntry>();

  constructor(readonly runId: string) {}

  clear(): void {
    this.entries.clear();
  }

  /** Applies audit lines in order; true when an entry of this run changed. */
  add(records: readonly AuditRecord[]): boolean {
    let changed = false;
    for (const record of records) {
      const entry = this.entries.get(record.id);
      if (!entry && record.runId !== this.runId) continue; // another run's, or a line of an unknown promotion
      if (entry) merge(entry, record);
      else this.entries.set(record.id, create(record));
      changed = true;
    }
    return changed;
  }

  /** Newest first. */
  list(): PromotionEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }
}

function create(record: AuditRecord): PromotionEntry {
  const entry: PromotionEntry = {
    id: record.id,
    at: record.at,
    user: formatAuditUser(record.user),
    action: record.action === 'rollback' ? 'rollback' : record.override ? 'override' : 'promote',
    target: record.target,
    repository: record.repository,
    version: record.version,
    alias: record.alias,
    outcome: record.outcome,
    gates: record.gates ?? [],
    canRetry: false,
  };
  merge(entry, record, true);
  return entry;
}

function merge(entry: PromotionEntry, record: AuditRecord, first = false): void {
  if (!first) entry.outcome = record.outcome;
  if (record.override && entry.action === 'promote') entry.action = 'override';
  entry.digest = record.digest ?? entry.digest;
  entry.reference = record.reference ?? entry.reference;
  if (record.gates?.length) entry.gates = record.gates;
  if (record.pipeline) {
    entry.pipeline = {
      type: record.pipeline.type,
      ok: record.pipeline.ok,
      status: record.pipeline.status,
      message: record.pipeline.message,
      url: record.pipeline.url,
      at: record.at,
      runs: (entry.pipeline?.runs ?? 0) + 1,
    };
  }
  entry.error = record.outcome === 'failed' ? record.error : undefined;
  entry.canRetry =
    entry.outcome === 'pushed, pipeline failed' && entry.digest !== undefined && entry.target !== undefined;
}
