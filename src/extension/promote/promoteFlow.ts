// "Runlog: Promote Run…" and the Registry view's actions: quick picks over the core's promotion (src/core/promote).
import * as vscode from 'vscode';
import { gitUser, readAudit, type AuditRecord } from '../../core/promote/audit';
import { describeFailures, evaluateGates, failedGates } from '../../core/promote/gates';
import {
  defaultModelArtifacts,
  promote,
  retryPipeline,
  rollback,
  type PromoteProgress,
  type PromoteResult,
  type RollbackResult,
} from '../../core/promote/promote';
import { queryGates } from '../../core/promote/queryGates';
import { isValidTag, parseRepository } from '../../core/promote/reference';
import { RegistryClient } from '../../core/promote/registryClient';
import { pipelineSecrets, registryCredentials, type SecretSource } from '../../core/promote/secrets';
import type { Target } from '../../core/promote/targets';
import { isVersionTag, suggestNextVersion } from '../../core/promote/versions';
import type { ArtifactRecord, ReadableRun } from '../../core/store/types';
import { type RunlogContext, UserError } from '../context';
import { runTargets } from '../runs/targets';
import { secretStorageSource } from './secretStore';
import { loadTargets, workspaceFolder } from './workspaceTargets';

/** Answers given up front (tests, other commands); each one skips its prompt. */
export interface PromoteAnswers {
  target?: string;
  version?: string;
  /** null: move no alias */
  alias?: string | null;
  /** artifact paths (as in run.json) */
  artifacts?: string[];
  overrideGates?: boolean;
  /** skip the final confirmation */
  confirm?: boolean;
}

const NO_ALIAS = '$(circle-slash) No alias';
const OTHER_ALIAS = '$(edit) Other alias…';

export class PromoteFlow {
  private readonly changed = new vscode.EventEmitter<void>();
  /** A promotion, rollback or pipeline run changed the registry or the audit log. */
  readonly onDidChange = this.changed.event;
  readonly secrets: SecretSource;

  constructor(private readonly ctx: RunlogContext) {
    ctx.own(this.changed);
    this.secrets = secretStorageSource(ctx.extension.secrets);
  }

  client(target: Target, credentials: Awaited<ReturnType<typeof registryCredentials>>): RegistryClient {
    return new RegistryClient(parseRepository(target.registry), {
      credentials,
      allowInsecureHttp: target.insecureHttp,
    });
  }

  async promoteRun(runRef?: unknown, answers: PromoteAnswers = {}): Promise<PromoteResult | undefined> {
    const [entry] = await runTargets(this.ctx, runRef, undefined, {
      placeHolder: 'Promote which run?',
      filter: (e) => e.kind === 'run' && e.doc.status !== 'running',
    });
    if (!entry) return undefined;
    if (entry.kind !== 'run') throw new UserError(`Run ${entry.id} cannot be read: ${entry.reason}`);
    const run = entry;
    const artifacts = await this.pickArtifacts(run, answers.artifacts);
    if (!artifacts) return undefined;
    const target = await this.pickTarget(answers.target);
    if (!target) return undefined;
    const credentials = await registryCredentials(this.secrets, target.name);
    const tags = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading versions of ${target.registry}…` },
      () => this.client(target, credentials).listTags(),
    );
    const version =
      answers.version ??
      (await vscode.window.showInputBox({
        title: `Version of ${target.registry}`,
        value: suggestNextVersion(tags),
        prompt: 'A new version tag; existing versions are never overwritten',
        validateInput: (v) =>
          !isValidTag(v)
            ? 'Letters, digits, . _ - (at most 128)'
            : tags.includes(v)
              ? `${v} already exists`
              : undefined,
      }));
    if (!version) return undefined;
    const alias =
      answers.alias !== undefined
        ? (answers.alias ?? undefined)
        : await this.pickAlias(target, tags, version);
    if (alias === '') return undefined;

    const gates = evaluateGates(target.gates, run.doc, queryGates);
    let override = false;
    if (failedGates(gates).length > 0) {
      if (answers.overrideGates === undefined) {
        const choice = await vscode.window.showWarningMessage(
          `Run ${run.doc.name} fails the gates of ${target.name}.`,
          {
            modal: true,
            detail: `${describeFailures(gates)}\n\nOverriding is recorded in the audit log with your name.`,
          },
          'Override Gates and Promote',
        );
        if (choice !== 'Override Gates and Promote') return undefined;
        override = true;
      } else if (answers.overrideGates) override = true;
      else
        throw new UserError(
          `Run ${run.doc.name} fails the gates of ${target.name}:\n${describeFailures(gates)}`,
        );
    }
    if (!answers.confirm) {
      const go = await vscode.window.showInformationMessage(
        `Promote run ${run.doc.name} to ${target.registry}:${version}${alias ? ` and move ${alias}` : ''}?`,
        {
          modal: true,
          detail: `Artifacts: ${artifacts.map((a) => a.path).join(', ')}${target.pipeline ? `\nThen triggers the ${target.pipeline.type} pipeline.` : ''}`,
        },
        'Promote',
      );
      if (go !== 'Promote') return undefined;
    }
    const secrets = await pipelineSecrets(this.secrets, target.name);
    const user = await this.user();
    const result = await this.withProgress(
      `Promoting ${run.doc.name} to ${target.registry}:${version}`,
      (onProgress) =>
        promote({
          storeRoot: this.ctx.requireStore().root,
          run,
          target,
          artifacts,
          version,
          alias,
          credentials,
          pipelineSecrets: secrets,
          evaluateGate: queryGates,
          overrideGates: override,
          user,
          onProgress,
        }).finally(() => this.changed.fire()),
    );
    void this.report(result, target, `Promoted ${run.doc.name} as ${version}${alias ? ` (${alias})` : ''}`);
    return result;
  }

  /** Runs core work with a progress notification, filling in the user and the pipeline secrets. */
  private async withProgress<T>(
    title: string,
    work: (onProgress: (p: PromoteProgress) => void) => Promise<T>,
  ): Promise<T> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title },
      async (progress) => {
        let last = 0;
        return work((p) => {
          const increment = p.fraction !== undefined ? Math.max(0, p.fraction * 100 - last) : undefined;
          if (p.fraction !== undefined) last = p.fraction * 100;
          // the title already says what runs; a step that repeats it adds nothing
          progress.report({ message: p.message === title ? undefined : p.message, increment });
        });
      },
    );
  }

  private async report(
    result: { pipeline?: { ok: boolean; message: string; url?: string }; reference: string; id: string },
    target: Target,
    headline: string,
  ): Promise<void> {
    const actions = ['Copy Reference', ...(result.pipeline?.url ? ['Open Pipeline'] : [])];
    let choice: string | undefined;
    if (result.pipeline && !result.pipeline.ok) {
      choice = await vscode.window.showWarningMessage(
        `${headline}: pushed, pipeline failed: ${result.pipeline.message}`,
        'Retry Pipeline',
        ...actions,
      );
    } else {
      choice = await vscode.window.showInformationMessage(
        `${headline}${result.pipeline ? `; pipeline: ${result.pipeline.message}` : ''}.`,
        ...actions,
      );
    }
    if (choice === 'Copy Reference') await vscode.env.clipboard.writeText(result.reference);
    if (choice === 'Open Pipeline' && result.pipeline?.url)
      await vscode.env.openExternal(vscode.Uri.parse(result.pipeline.url));
    if (choice === 'Retry Pipeline') await this.retry(result.id, target.name);
  }

  /** Re-triggers the pipeline of a recorded promotion (by its audit id, or the latest failed one of the target). */
  async retry(promotionId?: string, targetName?: string): Promise<void> {
    const storeRoot = this.ctx.requireStore().root;
    const records = await readAudit(storeRoot);
    const record: AuditRecord | undefined = promotionId
      ? records.find((r) => r.id === promotionId && r.digest)
      : [...records]
          .reverse()
          .find((r) => r.outcome === 'pushed, pipeline failed' && (!targetName || r.target === targetName));
    if (!record) throw new UserError('There is no promotion whose pipeline could be retried.');
    const target = loadTargets().targets.find((t) => t.name === record.target);
    if (!target) throw new UserError(`Target ${record.target} is no longer in the targets file.`);
    const result = await this.withProgress(
      `Retrying the ${target.pipeline?.type ?? ''} pipeline for ${record.version}`,
      async (onProgress) =>
        retryPipeline(
          storeRoot,
          record,
          target,
          await pipelineSecrets(this.secrets, target.name),
          await this.user(),
          {
            onProgress,
          },
        ),
    );
    this.changed.fire();
    void this.report(
      { pipeline: result, reference: record.reference!, id: record.id },
      target,
      `Pipeline for ${record.version}`,
    );
  }

  /** Points an alias at an existing version: "Roll Back to This Version" and "Promote to Alias…". */
  async moveAlias(
    target: Target,
    version: string,
    action: 'rollback' | 'promote',
    answers: { alias?: string; confirm?: boolean } = {},
  ): Promise<RollbackResult | undefined> {
    const credentials = await registryCredentials(this.secrets, target.name);
    const alias =
      answers.alias ??
      (await this.pickAlias(
        target,
        await this.client(target, credentials).listTags(),
        version,
        action === 'rollback',
      ));
    if (!alias) return undefined;
    if (!answers.confirm) {
      const verb = action === 'rollback' ? 'Roll back' : 'Move';
      const go = await vscode.window.showWarningMessage(
        `${verb} ${alias} of ${target.registry} to ${version}?`,
        {
          modal: true,
          detail: target.pipeline ? `Then triggers the ${target.pipeline.type} pipeline.` : undefined,
        },
        verb,
      );
      if (go !== verb) return undefined;
    }
    const result = await this.withProgress(`Moving ${alias} to ${version}`, async (onProgress) =>
      rollback({
        action,
        storeRoot: this.ctx.requireStore().root,
        target,
        version,
        alias,
        credentials,
        pipelineSecrets: await pipelineSecrets(this.secrets, target.name),
        user: await this.user(),
        onProgress,
      }).finally(() => this.changed.fire()),
    );
    void this.report(result, target, `${alias} → ${version}`);
    return result;
  }

  private user() {
    const folder = workspaceFolder();
    return folder ? gitUser(folder) : Promise.resolve({});
  }

  private async pickArtifacts(run: ReadableRun, wanted?: string[]): Promise<ArtifactRecord[] | undefined> {
    if (run.doc.artifacts.length === 0) {
      throw new UserError(
        `Run ${run.doc.name} has no artifacts. Log the model in the script with runlog.log_model(path, name=…), then run it again.`,
      );
    }
    if (wanted) {
      return wanted.map((path) => {
        const found = run.doc.artifacts.find((a) => a.path === path || a.path === `artifacts/${path}`);
        if (!found) throw new UserError(`Run ${run.doc.name} has no artifact ${path}.`);
        return found;
      });
    }
    const preselected = new Set(defaultModelArtifacts(run));
    if (run.doc.artifacts.length === 1) return run.doc.artifacts;
    const picked = await vscode.window.showQuickPick(
      run.doc.artifacts.map((a) => ({
        label: a.path.replace(/^artifacts\//, ''),
        description: a.model
          ? `model ${a.model.name}${a.model.flavor ? ` (${a.model.flavor})` : ''}`
          : `${a.size} B`,
        picked: run.doc.artifacts.some((m) => m.model) ? preselected.has(a) : false,
        artifact: a,
      })),
      {
        canPickMany: true,
        placeHolder: 'Which artifacts make the model? (the first is the model, others its parts)',
      },
    );
    if (!picked?.length) return undefined;
    return picked.map((p) => p.artifact);
  }

  private async pickTarget(name?: string): Promise<Target | undefined> {
    const { file, targets } = loadTargets();
    if (name) {
      const found = targets.find((t) => t.name === name);
      if (!found) throw new UserError(`There is no target "${name}" in ${file ?? 'runlog.targets.json'}.`);
      return found;
    }
    if (targets.length === 0) {
      const choice = await vscode.window.showWarningMessage(
        'No promotion targets yet: they live in runlog.targets.json in the workspace (committed, without secrets).',
        'Create Targets File',
      );
      if (choice) await vscode.commands.executeCommand('runlog.editPromotionTargets');
      return undefined;
    }
    if (targets.length === 1) return targets[0];
    const picked = await vscode.window.showQuickPick(
      targets.map((t) => ({
        label: t.name,
        description: t.registry,
        detail: [
          t.gates.length ? `gates: ${t.gates.join(' · ')}` : '',
          t.pipeline ? `pipeline: ${t.pipeline.type}` : '',
        ]
          .filter(Boolean)
          .join('   '),
        target: t,
      })),
      { placeHolder: 'Promote to which target?' },
    );
    return picked?.target;
  }

  /** '' when cancelled, undefined for "no alias". */
  private async pickAlias(
    target: Target,
    tags: string[],
    version: string,
    required = false,
  ): Promise<string | undefined> {
    const aliases = [...new Set([...target.aliases, ...tags.filter((t) => !isVersionTag(t))])];
    const items = [
      ...aliases.map((a) => ({ label: a })),
      { label: OTHER_ALIAS },
      ...(required ? [] : [{ label: NO_ALIAS }]),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      placeHolder: `Which alias should point at ${version}?`,
    });
    if (!picked) return '';
    if (picked.label === NO_ALIAS) return undefined;
    if (picked.label !== OTHER_ALIAS) return picked.label;
    const typed = await vscode.window.showInputBox({
      prompt: 'Alias tag (e.g. staging, production)',
      validateInput: (v) =>
        !isValidTag(v)
          ? 'Letters, digits, . _ - (at most 128)'
          : isVersionTag(v)
            ? 'An alias cannot look like a version'
            : undefined,
    });
    return typed ?? '';
  }
}
