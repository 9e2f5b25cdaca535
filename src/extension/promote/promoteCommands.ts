import * as vscode from 'vscode';
import { readAudit } from '../../core/promote/audit';
import { describeAuditRecord, filterAudit } from '../../core/promote/auditText';
import type { SecretKey } from '../../core/promote/secrets';
import { type RunlogContext, UserError } from '../context';
import { referenceOf, type RegistryNode, RegistryTree } from '../registry/registryTree';
import { PromoteFlow, type PromoteAnswers } from './promoteFlow';
import { setRegistryCredentials } from './secretStore';
import { editTargets, loadTargets } from './workspaceTargets';

/** A version as commands receive it: a Registry view node, or `{ target, version }` names (tests, other callers). */
type VersionRef = RegistryNode | { target: string; version: string; alias?: string; confirm?: boolean };

function versionOf(ref: unknown): {
  node?: RegistryNode & { kind: 'version' };
  target: string;
  version: string;
  alias?: string;
  confirm?: boolean;
} {
  const value = ref as VersionRef | undefined;
  if (value && 'kind' in value && value.kind === 'version') {
    return { node: value, target: value.target.name, version: value.version.tag };
  }
  if (
    value &&
    typeof (value as { target?: unknown }).target === 'string' &&
    typeof (value as { version?: unknown }).version === 'string'
  ) {
    return value as { target: string; version: string; alias?: string; confirm?: boolean };
  }
  throw new UserError('Pick a version in the Registry view first.');
}

/** The Registry view and the promotion commands (docs/promote.md). */
export function registerPromoteCommands(ctx: RunlogContext): { flow: PromoteFlow; registry: RegistryTree } {
  const flow = new PromoteFlow(ctx);
  const registry = new RegistryTree(ctx, flow);
  const targetNamed = (name: string) => {
    const target = loadTargets().targets.find((t) => t.name === name);
    if (!target) throw new UserError(`There is no target "${name}" in runlog.targets.json.`);
    return target;
  };
  const commands: Record<string, (...args: never[]) => unknown> = {
    'runlog.promoteRun': (runRef?: unknown, answers?: PromoteAnswers) => flow.promoteRun(runRef, answers),
    'runlog.setRegistryCredentials': (preset?: { target: string; key: SecretKey; value: string }) =>
      setRegistryCredentials(
        ctx.extension.secrets,
        loadTargets().targets.map((t) => t.name),
        preset,
      ),
    'runlog.editPromotionTargets': () => editTargets(),
    'runlog.refreshRegistry': () => registry.refresh(),
    'runlog.promoteVersionToAlias': (ref?: unknown) => {
      const v = versionOf(ref);
      return flow.moveAlias(targetNamed(v.target), v.version, 'promote', {
        alias: v.alias,
        confirm: v.confirm,
      });
    },
    'runlog.rollbackToVersion': (ref?: unknown) => {
      const v = versionOf(ref);
      return flow.moveAlias(targetNamed(v.target), v.version, 'rollback', {
        alias: v.alias,
        confirm: v.confirm,
      });
    },
    'runlog.copyModelReference': async (ref?: unknown) => {
      const reference = referenceOf(ref as RegistryNode);
      if (!reference) throw new UserError('Pick a version in the Registry view first.');
      await vscode.env.clipboard.writeText(reference);
      void vscode.window.setStatusBarMessage(`Copied ${reference}`, 3000);
      return reference;
    },
    'runlog.openPromotedRun': async (ref?: unknown) => {
      const v = versionOf(ref);
      const runId = v.node?.version.runId;
      if (!runId) throw new UserError(`Version ${v.version} was not promoted from a Runlog run.`);
      if (!(await ctx.index())?.get(runId))
        throw new UserError(`Run ${runId} is not in this workspace's store.`);
      return vscode.commands.executeCommand('runlog.showRunDetails', runId);
    },
    'runlog.showPromotionHistory': async (runRef?: unknown) => {
      const store = ctx.requireStore();
      const runId =
        typeof runRef === 'string' ? runRef : (runRef as { kind?: string; id?: string } | undefined)?.id;
      const records = filterAudit(await readAudit(store.root), runId);
      const title = runId ? `Promotion history of run ${runId}` : 'Promotion history';
      const body = records.length
        ? records.map((r) => `- ${describeAuditRecord(r).replace(/([*_`[\]])/g, '\\$1')}`).join('\n')
        : '_Nothing promoted yet._';
      const document = await vscode.workspace.openTextDocument({
        language: 'markdown',
        content: `# ${title}\n\nFrom ${store.root}/audit.jsonl (append-only; docs/promote.md).\n\n${body}\n`,
      });
      await vscode.window.showTextDocument(document, { preview: true });
      return records.length;
    },
    // From the palette (the latest failed one), the run details page (a promotion id) or a Registry view version
    // whose last pipeline failed (the promotion that pipeline ran for).
    'runlog.retryPipeline': (ref?: unknown) => {
      if (typeof ref === 'string') return flow.retry(ref);
      const node = ref as RegistryNode | undefined;
      if (node && typeof node === 'object' && node.kind === 'version') {
        const last = node.version.lastPipeline;
        if (!last || last.ok)
          throw new UserError(`The last pipeline of ${node.version.tag} did not fail: nothing to retry.`);
        return flow.retry(last.promotionId);
      }
      return flow.retry(undefined);
    },
  };
  for (const [id, handler] of Object.entries(commands)) ctx.registerCommand(id, handler);
  return { flow, registry };
}
