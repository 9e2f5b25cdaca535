// Builds the test-only notebook kernel extension (test/fixtures/notebookKernel) into a .vsix in a temp folder, to be
// installed beside the packaged Runlog extension in end-to-end tests. It never enters dist/runlog.vsix.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { REPO_ROOT } from './workbench';

export function buildNotebookKernelVsix(): { vsix: string; dispose(): void } {
  const fixture = path.join(REPO_ROOT, 'test', 'fixtures', 'notebookKernel');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlog-test-kernel-'));
  const ext = path.join(dir, 'extension');
  fs.mkdirSync(ext);
  buildSync({
    entryPoints: [path.join(fixture, 'testExtension.ts')],
    outfile: path.join(ext, 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(fixture, 'kernel.py'), path.join(ext, 'kernel.py'));
  fs.writeFileSync(path.join(ext, 'LICENSE'), 'MIT (test fixture)\n');
  fs.writeFileSync(path.join(ext, 'README.md'), 'Test-only notebook kernel for Runlog end-to-end tests.\n');
  fs.writeFileSync(
    path.join(ext, 'package.json'),
    JSON.stringify({
      name: 'runlog-test-kernel',
      displayName: 'Runlog test kernel',
      description: 'Test-only python3 notebook kernel',
      publisher: 'runlog-test',
      version: '0.0.1',
      license: 'MIT',
      repository: { type: 'git', url: 'https://example.invalid/runlog.git' },
      engines: { vscode: '^1.100.0' },
      main: './extension.js',
      activationEvents: ['onNotebook:jupyter-notebook', 'onStartupFinished'],
      extensionDependencies: ['runlog.runlog'],
      contributes: {
        commands: [
          { command: 'runlogTest.selectKernel', title: 'Runlog Test: Select Test Kernel' },
          { command: 'runlogTest.restartKernel', title: 'Runlog Test: Restart Test Kernel' },
        ],
      },
    }),
  );
  const vsix = path.join(dir, 'runlog-test-kernel.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], {
    cwd: ext,
    stdio: 'pipe',
  });
  return { vsix, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
