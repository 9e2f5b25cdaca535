import * as fs from 'node:fs';
import type { Frame } from 'playwright-core';
import { Workbench } from '../test/e2e/workbench';
(async () => {
  const wb = await new Workbench({
    workspace: '/tmp/c2-b2/many',
    name: 'trace',
    vsix: process.env.RUNLOG_BENCH_VSIX,
  }).start();
  try {
    await wb.runCommand('Runlog: Open Runs Table');
    let table: Frame | undefined;
    while (!table) {
      for (const f of wb.page.frames())
        if (
          await f
            .locator('.grid-row[data-run]')
            .count()
            .catch(() => 0)
        )
          table = f;
      await wb.page.waitForTimeout(200);
    }
    await wb.page.waitForTimeout(1000);
    const browser = wb.page.context().browser()!;
    await browser.startTracing(undefined, {
      categories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'disabled-by-default-devtools.timeline.frame',
        'cc',
        'viz',
        'blink',
        'gpu',
      ],
    });
    const times = await table.evaluate(async () => {
      const viewport = document.querySelector('.grid-viewport') as HTMLElement;
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 240; i++) {
        viewport.scrollTop += 120;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times;
    });
    const buf = await browser.stopTracing();
    fs.writeFileSync(process.argv[2], buf);
    console.log('over33', times.filter((t) => t > 33.4).length, 'median', times.sort((a, b) => a - b)[120]);
  } finally {
    await wb.close();
  }
})();
