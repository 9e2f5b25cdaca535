// The audit trail as text a person reads: the CLI's `runlog audit` and the editor's promotion history.
import type { AuditRecord } from './audit';

export function filterAudit(records: AuditRecord[], runId?: string): AuditRecord[] {
  if (!runId) return records;
  // A pipeline line belongs to the run of its promotion (same id).
  const ids = new Set(records.filter((r) => r.runId === runId).map((r) => r.id));
  return records.filter((r) => ids.has(r.id));
}

/** One line per audit record, oldest first, e.g.
 *  "2026-11-22 06:01:02  promote  ada <ada@x.org>  ghcr.io/acme/churn 1.2.0 → production  pushed  (gates overridden: …)" */
export function describeAuditRecord(record: AuditRecord): string {
  const who =
    [record.user.name, record.user.email ? `<${record.user.email}>` : ''].filter(Boolean).join(' ') ||
    'unknown';
  const what = `${record.repository}${record.version ? ` ${record.version}` : ''}${record.alias ? ` → ${record.alias}` : ''}`;
  const extras: string[] = [];
  if (record.digest) extras.push(record.digest.slice(0, 19));
  if (record.override) {
    const failed = (record.gates ?? []).filter((g) => !g.ok).map((g) => g.expression);
    extras.push(`gates overridden: ${failed.join(', ')}`);
  } else if (record.outcome === 'blocked by gates') {
    extras.push(
      (record.gates ?? [])
        .filter((g) => !g.ok)
        .map((g) => `${g.expression} (${g.details.join('; ')})`)
        .join(', '),
    );
  }
  if (record.pipeline)
    extras.push(
      `${record.pipeline.type}: ${record.pipeline.message}${record.pipeline.url ? ` ${record.pipeline.url}` : ''}`,
    );
  if (record.error) extras.push(record.error);
  const when = record.at.slice(0, 19).replace('T', ' ');
  return `${when}  ${record.action}  ${who}  ${what}  ${record.outcome}${extras.length ? `  (${extras.join('; ')})` : ''}`;
}
