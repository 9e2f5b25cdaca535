import * as vscode from 'vscode';
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds } from '../../core/datasets/diff';

/** The `runlog.datasets.*` settings. */
export const datasetSettings = {
  get allowOutsideWorkspace(): boolean {
    return vscode.workspace.getConfiguration('runlog.datasets').get<boolean>('allowOutsideWorkspace', false);
  },

  /** Drift thresholds: the configured ones where they are positive numbers, else the defaults. */
  get driftThresholds(): DriftThresholds {
    const configured = vscode.workspace.getConfiguration('runlog.datasets').get<unknown>('driftThresholds');
    const out = { ...DEFAULT_DRIFT_THRESHOLDS };
    if (configured && typeof configured === 'object') {
      for (const key of Object.keys(out) as (keyof DriftThresholds)[]) {
        const value = (configured as Record<string, unknown>)[key];
        if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[key] = value;
      }
    }
    return out;
  },
};
