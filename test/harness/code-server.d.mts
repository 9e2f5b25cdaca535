// Types of code-server.mjs (shared by the harness, the e2e fixture and `npm start`).
import type { Browser, Page } from 'playwright-core';

export declare const REPO_ROOT: string;
export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: string[];
export declare const SEEDED_SETTINGS: Record<string, unknown>;

export declare function seedUserSettings(userDataDir: string, extra?: Record<string, unknown>): void;
export declare function codeServerVersions(): { codeServer: string; vscode: string };
export declare function makeTempDir(prefix: string): string;
export declare function remoteUri(port: number, absPath: string): string;
export declare function workbenchUrl(options: {
  port: number;
  folder?: string;
  workspace?: string;
  payload?: [string, string][];
}): string;
export declare function installVsix(options: {
  vsixPath: string;
  extensionsDir: string;
  userDataDir: string;
}): Promise<string>;
export declare function isPortFree(port: number): Promise<boolean>;

export interface CodeServer {
  port: number;
  url: string;
  pid: number;
  /** The server's recent output (last 2000 lines). */
  output(): string;
  /** Resolves with the exit code when the server stops. */
  exited: Promise<number>;
  /** Stops the server and its child processes. */
  stop(): Promise<void>;
}

export declare function startCodeServer(options: {
  userDataDir: string;
  extensionsDir: string;
  port?: number;
  env?: Record<string, string>;
  folder?: string;
  onOutput?: (line: string) => void;
}): Promise<CodeServer>;
export declare function launchChromium(options?: { headless?: boolean }): Promise<Browser>;
/** Waits until an activity-bar entry is shown with its icon loaded; resolves with the icon's URL ('' for a codicon). */
export declare function waitForActivityBarIcon(page: Page, title: string, timeout?: number): Promise<string>;
export declare function removeDir(dir: string): void;
