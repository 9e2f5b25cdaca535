import * as vscode from 'vscode';

export const TRACK_MODES = ['all', 'optIn', 'off'] as const;
export type TrackMode = (typeof TRACK_MODES)[number];

const CHOICES_KEY = 'runlog.notebooks.choices';

/**
 * Which notebooks are tracked: the setting `runlog.notebooks.track` (all, optIn, off) and the per-notebook choice
 * made with the notebook toolbar toggle, remembered in the workspace's state (notebook URI → tracked or not).
 */
export class TrackingChoices {
  private warnedAbout: string | undefined;

  constructor(
    private readonly state: vscode.Memento,
    private readonly warn: (message: string) => void,
  ) {}

  get mode(): TrackMode {
    const value = vscode.workspace.getConfiguration('runlog').get<string>('notebooks.track', 'all');
    if ((TRACK_MODES as readonly string[]).includes(value)) return value as TrackMode;
    if (this.warnedAbout !== value) {
      this.warnedAbout = value;
      this.warn(
        `runlog.notebooks.track is ${JSON.stringify(value)}; use all, optIn or off. Tracking all notebooks.`,
      );
    }
    return 'all';
  }

  isTracked(uri: vscode.Uri): boolean {
    const mode = this.mode;
    if (mode === 'off') return false;
    const choice = this.choices()[uri.toString()];
    return mode === 'all' ? choice !== false : choice === true;
  }

  async choose(uri: vscode.Uri, tracked: boolean): Promise<void> {
    await this.state.update(CHOICES_KEY, { ...this.choices(), [uri.toString()]: tracked });
  }

  private choices(): Record<string, boolean> {
    const stored = this.state.get<unknown>(CHOICES_KEY);
    return typeof stored === 'object' && stored !== null ? (stored as Record<string, boolean>) : {};
  }
}
