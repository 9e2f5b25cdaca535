// The promotion audit trail: `<store>/audit.jsonl`, one JSON object per line, only ever appended. A promotion writes
// a line when its push ends (pushed or failed) and another when its pipeline ends; lines share the promotion's id.
import { execFile } from 'node:child_process';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { GateResult } from './gates';
import type { PipelineResult } from './pipelines';

export type AuditAction = 'promote' | 'rollback' | 'pipeline';

export type AuditOutcome =
  | 'pushed'
  | 'blocked by gates'
  | 'failed'
  | 'rolled back'
  | 'pipeline succeeded'
  | 'pipeline triggered'
  | 'pushed, pipeline failed';

export interface AuditUser {
  name?: string;
  email?: string;
}

export interface AuditRecord {
  /** the promotion (or rollback) this line belongs to */
  id: string;
  at: string;
  action: AuditAction;
  user: AuditUser;
  target?: string;
  repository: string;
  runId?: string;
  version?: string;
  alias?: string;
  digest?: string;
  /** repository@digest */
  reference?: string;
  artifacts?: string[];
  gates?: GateResult[];
  /** the gates failed and the user promoted anyway, confirmed explicitly */
  override?: boolean;
  outcome: AuditOutcome;
  pipeline?: PipelineResult & { type: string };
  error?: string;
}

export function auditFile(storeRoot: string): string {
  return join(storeRoot, 'audit.jsonl');
}

export async function appendAudit(storeRoot: string, record: AuditRecord): Promise<void> {
  const file = auditFile(storeRoot);
  await mkdir(dirname(file), { recursive: true });
  // One write of one line with O_APPEND: concurrent writers (editor and CLI) never interleave within a line.
  await appendFile(file, `${JSON.stringify(record)}\n`, { flag: 'a' });
}

/** Every readable line, oldest first; a torn or foreign line is skipped, never fatal. */
export async function readAudit(storeRoot: string): Promise<AuditRecord[]> {
  let text: string;
  try {
    text = await readFile(auditFile(storeRoot), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const records: AuditRecord[] = [];
  for (const line of text.split('\n')) {
    const record = parseAuditLine(line);
    if (record) records.push(record);
  }
  return records;
}

/** One line of the trail, or undefined for a blank, torn or foreign line. */
export function parseAuditLine(line: string): AuditRecord | undefined {
  if (!line.trim()) return undefined;
  try {
    const value = JSON.parse(line) as AuditRecord;
    return value && typeof value.id === 'string' && typeof value.action === 'string' ? value : undefined;
  } catch {
    return undefined; // a line cut off by a crash: the rest of the trail still reads
  }
}

/** The latest state of each promotion/rollback: its lines merged in order. */
export function latestById(records: AuditRecord[]): Map<string, AuditRecord> {
  const merged = new Map<string, AuditRecord>();
  for (const record of records) {
    const before = merged.get(record.id);
    merged.set(record.id, before ? { ...before, ...record, action: before.action, at: before.at } : record);
  }
  return merged;
}

/** Who is promoting: git's user.name and user.email in `cwd`, else the OS user. */
export async function gitUser(cwd: string): Promise<AuditUser> {
  const get = (key: string) =>
    new Promise<string | undefined>((resolve) =>
      execFile('git', ['config', '--get', key], { cwd, timeout: 5000 }, (error, stdout) =>
        resolve(error ? undefined : stdout.trim() || undefined),
      ),
    );
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  if (name || email) return { name, email };
  try {
    return { name: userInfo().username };
  } catch {
    return {};
  }
}
