import * as path from 'node:path';
import * as vscode from 'vscode';
import { shortDigest } from '../../core/datasets/digests';
import { addParquetProfiles } from '../../core/datasets/parquetAttach';
import { DatasetStore } from '../../core/datasets/versionStore';
import { formatBytes } from '../../core/datasets/format';
import { versionWithClient, VersioningError, type VersionResult } from '../../core/datasets/versioner';
import { UserError, type RunlogContext } from '../context';
import { checkInterpreter, resolveInterpreter } from '../python/interpreter';
import { datasetSettings } from './settings';

/**
 * Track Dataset…: records the version of a file or folder in the store (the Python client does the hashing and
 * profiling, in a child process, so the extension host stays responsive) and lists it in the Datasets view.
 */
export async function trackDataset(ctx: RunlogContext, target?: unknown): Promise<VersionResult | undefined> {
  const store = ctx.requireStore();
  let uri = target instanceof vscode.Uri ? target : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Track Dataset',
      title: 'Runlog: Track Dataset',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    uri = picked?.[0];
    if (!uri) return undefined;
  }
  if (uri.scheme !== 'file')
    throw new UserError(
      `Runlog tracks datasets on this machine's disk; ${uri.toString()} is not a local file.`,
    );
  const fsPath = uri.fsPath;
  const inside = (folder: string) => {
    const rel = path.relative(folder, fsPath);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  if (inside(store.root) || path.relative(fsPath, store.root).split(path.sep)[0] !== '..')
    throw new UserError(
      `${fsPath} holds Runlog's own store (${store.root}); choose the data folder instead.`,
    );
  if (!vscode.workspace.getWorkspaceFolder(uri) && !datasetSettings.allowOutsideWorkspace) {
    const open = 'Open Setting';
    const choice = await vscode.window.showErrorMessage(
      `${fsPath} is outside the workspace. Runlog tracks datasets inside the workspace unless the setting ` +
        'runlog.datasets.allowOutsideWorkspace is on.',
      open,
    );
    if (choice === open)
      await vscode.commands.executeCommand(
        'workbench.action.openSettings',
        'runlog.datasets.allowOutsideWorkspace',
      );
    return undefined;
  }
  const name = await vscode.window.showInputBox({
    title: 'Runlog: Track Dataset',
    prompt: `Name of the dataset at ${vscode.workspace.asRelativePath(uri)} (its versions are listed under this name)`,
    value: path.basename(fsPath),
    validateInput: (value) => (value.trim() ? undefined : 'The name cannot be empty'),
  });
  if (name === undefined) return undefined;
  const interpreter = await resolveInterpreter(ctx, uri);
  await checkInterpreter(interpreter);
  let result: VersionResult;
  try {
    result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Runlog: versioning ${name.trim()}`,
        cancellable: true,
      },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        return versionWithClient({
          python: interpreter.path,
          clientDir: ctx.bundledPythonClient,
          store: store.root,
          path: fsPath,
          trackAs: name.trim(),
          signal: abort.signal,
          onProgress: (p) => {
            const percent = p.totalBytes > 0 ? (100 * p.bytes) / p.totalBytes : 0;
            progress.report({
              increment: Math.max(0, percent - reported),
              message: `${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)} · ${p.files} of ${p.totalFiles} files`,
            });
            reported = Math.max(reported, percent);
          },
        });
      },
    );
  } catch (error) {
    if (error instanceof VersioningError && error.message === 'cancelled') return undefined;
    if (error instanceof VersioningError)
      throw new UserError(`Runlog could not version ${fsPath}: ${error.message}`);
    throw error;
  }
  // the client cannot read Parquet (stdlib only): its profiles are added here, in the same schema
  const parquetProblems = await addParquetProfiles(new DatasetStore(store.root), result.digest, result.path);
  result = { ...result, problems: [...result.problems, ...parquetProblems] };
  ctx.log.info(
    `tracked ${result.name} ${result.digest} (${result.files} files, ${result.size} B) from ${fsPath}`,
  );
  const summary = `${result.name} @ ${shortDigest(result.digest)}: ${formatBytes(result.size)}, ${result.files} file${result.files === 1 ? '' : 's'}`;
  if (result.problems.length) {
    for (const p of result.problems) ctx.log.warn(`${result.name}: ${p.path}: ${p.problem}`);
    const show = 'Show Problems';
    void vscode.window
      .showWarningMessage(
        `Tracked ${summary}, with ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} (${result.problems[0].path}: ${result.problems[0].problem}).`,
        show,
      )
      .then((choice) => choice === show && ctx.log.show(true));
  } else {
    const show = 'Show in Datasets View';
    void vscode.window
      .showInformationMessage(`Tracked ${summary}.`, show)
      .then((choice) => choice === show && vscode.commands.executeCommand('runlog.datasets.focus'));
  }
  return result;
}
