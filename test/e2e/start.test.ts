// `npm start`'s path: build + package + install into code-server, serve demo/, and a real Chromium sees Runlog.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './workbench';

describe('npm start', () => {
  it('serves the demo workspace with Runlog in the activity bar (start.mjs --check)', async function () {
    this.timeout(180_000);
    const shot = path.join(REPO_ROOT, 'test-results', 'start.png');
    fs.rmSync(shot, { force: true });
    // PORT=0: any free port, so the check never collides with a running `npm start`. TMPDIR: the server's sockets
    // and temp folders go into a folder this test removes.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runlog-start-'));
    const child = spawn(process.execPath, ['scripts/start.mjs', '--check', '--skip-package'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve)).finally(() =>
      fs.rmSync(tmp, { recursive: true, force: true }),
    );
    assert.equal(code, 0, `start.mjs --check failed:\n${output}`);
    assert.match(output, /Runlog is running: http:\/\/127\.0\.0\.1:\d+\/\?folder=\//);
    assert.match(output, /OK: the Runlog activity-bar item is visible/);
    assert.ok(fs.existsSync(shot), 'no screenshot at test-results/start.png');
  });
});
