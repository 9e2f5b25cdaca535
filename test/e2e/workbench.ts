// Reusable end-to-end fixture: the PACKAGED extension (dist/runlog.vsix) installed into a real VS Code 1.100.3
// (code-server), on a fresh temp copy of a workspace, shown in Debian's Chromium and driven with playwright-core.
//
//   describe('My feature', () => {
//     const wb = useWorkbench();            // starts before the suite, closes after it
//     it('does something', async () => {
//       await wb.openRunlogSidebar();
//       await wb.runCommand('Runlog: Refresh Runs');
//       await wb.screenshot('after refresh'); // test-results/e2e/<test>/<nn-step>.png
//     });
//   });
//
// One workbench per `useWorkbench()` (per describe); tests inside it share the page. For a clean slate per test
// call `new Workbench(options).start()` / `close()` yourself.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import type { CodeServer } from '../harness/code-server.mjs';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const VSIX_PATH = path.join(REPO_ROOT, 'dist', 'runlog.vsix');
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');

/** A fresh copy of the fixture workspace in a temp folder, with an empty store (`.runlog/runs`). */
export function fixtureWorkspaceWithStore(prefix: string): {
  root: string;
  workspace: string;
  store: string;
} {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const workspace = path.join(root, 'workspace');
  fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  const store = path.join(workspace, '.runlog');
  fs.mkdirSync(path.join(store, 'runs'), { recursive: true });
  return { root, workspace, store };
}

type Lib = typeof import('../harness/code-server.mjs');
// The shared code-server helpers are an ES module; this file is CommonJS, so they are loaded dynamically.
let lib: Promise<Lib> | undefined;
const loadLib = (): Promise<Lib> => (lib ??= import('../harness/code-server.mjs'));

/** Polls a condition until it holds (or fails naming it). */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The frame of the webview whose page shows `selector` (each webview is an iframe in an iframe). */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  let found: Frame | undefined;
  await until(
    `a webview showing ${selector}`,
    async () => {
      for (const frame of page.frames()) {
        if (
          await frame
            .locator(selector)
            .count()
            .catch(() => 0)
        ) {
          found = frame;
          return true;
        }
      }
      return false;
    },
    timeoutMs,
  );
  return found!;
}

export interface WorkbenchOptions {
  /** The .vsix to install (default dist/runlog.vsix, built by `npm run package`). */
  vsix?: string;
  /** Folder copied to a fresh temp folder and opened (default test/fixtures/workspace). */
  workspace?: string;
  /** Added to the seeded User/settings.json. */
  settings?: Record<string, unknown>;
  /** More .vsix files installed beside it (test-only extensions, e.g. a notebook kernel). */
  extraVsix?: string[];
  /** Added to the server's environment, which the extension host inherits. */
  env?: Record<string, string>;
  /** Screenshot folder name until a test sets one (useWorkbench sets it per test). */
  name?: string;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'step'
  );
}

export class Workbench {
  /** The workbench page (valid after start()). */
  page!: Page;
  /** Absolute path of the opened workspace copy (valid after start()). */
  workspacePath = '';
  private browser?: Browser;
  private server?: CodeServer;
  private readonly tempDirs: string[] = [];
  private testName: string;
  private shotCount = 0;

  constructor(private readonly options: WorkbenchOptions = {}) {
    this.testName = slug(options.name ?? 'workbench');
  }

  async start(): Promise<this> {
    const {
      codeServerVersions,
      installVsix,
      launchChromium,
      makeTempDir,
      seedUserSettings,
      startCodeServer,
      waitForActivityBarIcon,
      workbenchUrl,
    } = await loadLib();
    const vsix = this.options.vsix ?? VSIX_PATH;
    if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
    const root = makeTempDir('runlog-e2e-');
    this.tempDirs.push(root);
    const userDataDir = path.join(root, 'user-data');
    const extensionsDir = path.join(root, 'extensions');
    this.workspacePath = path.join(root, 'workspace');
    fs.cpSync(this.options.workspace ?? FIXTURE_WORKSPACE, this.workspacePath, { recursive: true });
    seedUserSettings(userDataDir, this.options.settings);
    await installVsix({ vsixPath: vsix, extensionsDir, userDataDir });
    for (const extra of this.options.extraVsix ?? [])
      await installVsix({ vsixPath: extra, extensionsDir, userDataDir });

    // The server, its extension host and built-in extensions put sockets and folders into the temp directory: give
    // them one inside `root`, removed by close().
    const tmp = path.join(root, 'tmp');
    fs.mkdirSync(tmp);
    this.server = await startCodeServer({
      userDataDir,
      extensionsDir,
      port: 0,
      env: { TMPDIR: tmp, ...this.options.env },
    });
    this.browser = await launchChromium({ headless: process.env.RUNLOG_E2E_HEADED !== '1' });
    const versions = codeServerVersions();
    console.log(
      `      [e2e] VS Code ${versions.vscode} (code-server ${versions.codeServer}) in Chromium ` +
        `${this.browser.version()}, ${path.relative(REPO_ROOT, vsix)} installed`,
    );
    this.page = await this.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await this.page.goto(workbenchUrl({ port: this.server.port, folder: this.workspacePath }));
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The extension is known to the workbench once its activity-bar item is there, icon loaded.
    await waitForActivityBarIcon(this.page, 'Runlog');
    return this;
  }

  /** Screenshots from now on go to test-results/e2e/<name>/. */
  setTest(name: string): void {
    this.testName = slug(name);
    this.shotCount = 0;
  }

  /** Saves test-results/e2e/<test>/<nn-step>.png and returns its path. */
  async screenshot(step: string): Promise<string> {
    const dir = path.join(RESULTS_DIR, this.testName);
    fs.mkdirSync(dir, { recursive: true });
    this.shotCount += 1;
    const file = path.join(dir, `${String(this.shotCount).padStart(2, '0')}-${slug(step)}.png`);
    await this.page.screenshot({ path: file, animations: 'disabled' });
    return file;
  }

  /** An activity-bar entry (its link), by title. */
  activityBarItem(title: string): Locator {
    return this.page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`);
  }

  /** Shows the Runlog view container in the side bar (clicks its activity-bar item unless it is showing). */
  async openRunlogSidebar(): Promise<void> {
    const item = this.page.locator('.part.activitybar li.action-item', {
      has: this.page.locator('a.action-label[aria-label^="Runlog"]'),
    });
    if ((await item.getAttribute('aria-selected')) !== 'true') {
      await this.activityBarItem('Runlog').click();
    }
    await this.page
      .locator('.part.sidebar .composite.title', { hasText: /runlog/i })
      .waitFor({ state: 'visible', timeout: 30_000 });
    await this.view('Runs').waitFor({ state: 'visible', timeout: 30_000 });
  }

  /** A view's pane in the side bar (header + body), by its name, e.g. 'Runs'. */
  view(name: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({
      has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^\\s*${name}\\s*$`, 'i') }),
    });
  }

  /** A view's header, by its name. */
  viewHeader(name: string): Locator {
    return this.view(name).locator('.pane-header').first();
  }

  /** Runs a command from the command palette (F1) by its title as shown there, e.g. 'Runlog: Refresh Runs'. */
  async runCommand(title: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await this.page.keyboard.press('F1');
    await widget.locator('input').waitFor({ state: 'visible' });
    await this.page.keyboard.type(title);
    const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await this.screenshot(`palette ${title}`);
    await row.click();
    await widget.waitFor({ state: 'hidden' });
  }

  /**
   * Clicks an item of the open context menu, e.g. 'Promote Run'. VS Code can let a click that comes right after the
   * menu opened pass, leaving the menu open with the item focused (seen in clean-clone runs, in the Explorer and in
   * Runlog's views): Enter takes the focused item then. Only when the menu did not close by itself: an Enter while it
   * closes reaches whatever has the focus next.
   */
  async clickMenuItem(label: string): Promise<void> {
    const item = this.page.locator('.context-view .action-item', { hasText: label }).first();
    await item.waitFor({ state: 'visible' });
    await item.hover();
    await item.click();
    const menu = this.page.locator('.context-view .monaco-menu');
    const closed = await menu.waitFor({ state: 'hidden', timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (!closed) {
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 10_000 });
    }
  }

  /** Notification toasts containing the text. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  async close(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    this.browser = undefined;
    await this.server?.stop();
    this.server = undefined;
    for (const dir of this.tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }

  /** The server's recent output, for diagnosing a failure. */
  serverOutput(): string {
    return this.server?.output() ?? '';
  }
}

/**
 * Registers mocha hooks in the calling describe(): start a workbench before its tests, name screenshots after the
 * running test, take a `failure` screenshot when a test fails, close it afterwards.
 */
export function useWorkbench(options: WorkbenchOptions = {}): Workbench {
  const wb = new Workbench(options);
  before(async function () {
    this.timeout(180_000);
    await wb.start();
  });
  beforeEach(function () {
    wb.setTest(this.currentTest?.fullTitle() ?? 'test');
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb.page) {
      const file = await wb.screenshot('failure').catch(() => undefined);
      if (file) console.log(`      [e2e] failure screenshot: ${path.relative(REPO_ROOT, file)}`);
    }
  });
  after(async function () {
    this.timeout(30_000);
    await wb.close();
  });
  return wb;
}
