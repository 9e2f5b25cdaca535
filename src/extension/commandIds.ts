// Every command id of Runlog in one place, typed, so views, the status bar, webview contracts and tests cannot
// misspell one. No `vscode` import: webview contracts and unit tests use it too. package.json
// `contributes.commands` lists exactly these (checked by test/unit/commandIds.test.ts).

export const COMMANDS = {
  runFile: 'runlog.runFile',
  rerunWithArguments: 'runlog.rerunWithArguments',
  stopRun: 'runlog.stopRun',
  refreshRuns: 'runlog.refreshRuns',
  showRunDetails: 'runlog.showRunDetails',
  renameRun: 'runlog.renameRun',
  tagRun: 'runlog.tagRun',
  deleteRun: 'runlog.deleteRun',
  openRunOutput: 'runlog.openRunOutput',
  revealRun: 'runlog.revealRun',
  installPythonClient: 'runlog.installPythonClient',
  openWalkthrough: 'runlog.openWalkthrough',
  showStoreLocation: 'runlog.showStoreLocation',
  // Feature commands (registered by each feature's own module).
  trackNotebook: 'runlog.trackNotebook',
  untrackNotebook: 'runlog.untrackNotebook',
  openNotebookCell: 'runlog.openNotebookCell',
  filterRuns: 'runlog.filterRuns',
  clearRunsFilter: 'runlog.clearRunsFilter',
  sortRuns: 'runlog.sortRuns',
  showMoreRuns: 'runlog.showMoreRuns',
  starRun: 'runlog.starRun',
  unstarRun: 'runlog.unstarRun',
  openRunsTable: 'runlog.openRunsTable',
  compareRuns: 'runlog.compareRuns',
  trackDataset: 'runlog.trackDataset',
  compareDatasetVersions: 'runlog.compareDatasetVersions',
  showDatasetVersionRuns: 'runlog.showDatasetVersionRuns',
  copyDatasetDigest: 'runlog.copyDatasetDigest',
  revealDataset: 'runlog.revealDataset',
  refreshDatasets: 'runlog.refreshDatasets',
  promoteRun: 'runlog.promoteRun',
  setRegistryCredentials: 'runlog.setRegistryCredentials',
  editPromotionTargets: 'runlog.editPromotionTargets',
  refreshRegistry: 'runlog.refreshRegistry',
  promoteVersionToAlias: 'runlog.promoteVersionToAlias',
  rollbackToVersion: 'runlog.rollbackToVersion',
  copyModelReference: 'runlog.copyModelReference',
  openPromotedRun: 'runlog.openPromotedRun',
  retryPipeline: 'runlog.retryPipeline',
  showPromotionHistory: 'runlog.showPromotionHistory',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

const ALL: ReadonlySet<string> = new Set(Object.values(COMMANDS));

/** Whether a string is one of Runlog's command ids (for validating ids that arrive from a webview). */
export function isCommandId(value: unknown): value is CommandId {
  return typeof value === 'string' && ALL.has(value);
}

/** Commands Runlog registers but does not contribute (no palette entry, no menu): targets of clicks. */
export const INTERNAL_COMMANDS = {
  /** A click on a run in the Runs view (see src/extension/runs/runItemCommand.ts for why it has no arguments). */
  openClickedRun: 'runlog.openClickedRun',
} as const;

export type InternalCommandId = (typeof INTERNAL_COMMANDS)[keyof typeof INTERNAL_COMMANDS];
