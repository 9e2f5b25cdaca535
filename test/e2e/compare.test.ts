// Choosing the best run, clicked through the real workbench with the packaged .vsix: open the runs table, filter
// it with an expression (and see the error for a bad one), select two runs, compare them, and read the values the
// Compare panel shows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { series, writeRun } from '../fixtures/runs';
import { fixtureWorkspaceWithStore, useWorkbench, webviewFrame } from './workbench';

describe('Comparing runs from the runs table', () => {
  const { root, workspace, store } = fixtureWorkspaceWithStore('runlog-e2e-compare-');
  const base = Date.parse('2026-03-01T10:00:00Z');
  [
    { name: 'baseline', lr: 0.1, loss: [1, 0.6, 0.4] },
    { name: 'tuned', lr: 0.01, loss: [1, 0.5, 0.25] },
    { name: 'too-fast', lr: 0.5, loss: [1, 0.9, 0.8] },
  ].map((r, i) =>
    writeRun(
      store,
      {
        name: r.name,
        experiment: 'sweep',
        startTime: new Date(base + i * 60_000).toISOString(),
        params: { lr: r.lr, epochs: 3 },
      },
      series('loss', r.loss),
    ),
  );
  const wb = useWorkbench({ name: 'compare', workspace });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('filters the table, compares two selected runs, and shows their params, metrics and charts', async function () {
    this.timeout(180_000);
    const { page } = wb;
    await wb.openRunlogSidebar();
    await wb.runCommand('Runlog: Open Runs Table');
    const table = await webviewFrame(page, '.grid-row[data-run]');
    assert.equal(await table.locator('.grid-row[data-run]').count(), 3);
    await wb.screenshot('runs table');

    // A bad expression: an error under the box, rows unchanged.
    const filter = table.locator('vscode-textfield.filter input');
    await filter.fill('params.lr <');
    await table.locator('.filter-error', { hasText: /Expected a value after "<" at column 12/ }).waitFor();
    assert.equal(await table.locator('.grid-row[data-run]').count(), 3);
    await wb.screenshot('bad filter');

    // A good one: only the matching runs.
    await filter.fill('params.lr < 0.2');
    await table.locator('.counts', { hasText: '2 of 3 runs' }).waitFor();
    assert.equal(await table.locator('.filter-error').innerText(), '');

    // Sort by name, select both rows with Ctrl-click, compare.
    await table.locator('.header-cell[data-column="name"]').click();
    const names = await table.locator('.grid-row[data-run] [data-column="name"]').allInnerTexts();
    assert.deepEqual(names, ['baseline', 'tuned']);
    await table.locator('.grid-row[data-run]').nth(0).click();
    await table
      .locator('.grid-row[data-run]')
      .nth(1)
      .click({ modifiers: ['Control'] });
    await table.locator('.selection', { hasText: '2 selected' }).waitFor();
    await wb.screenshot('two selected');
    await table.locator('vscode-button.compare-button').click();

    const compare = await webviewFrame(page, '.compare-header');
    await compare.locator('h1', { hasText: 'Comparing 2 runs' }).waitFor();
    const lr = compare.locator('.params-table tr', { hasText: 'lr' });
    assert.deepEqual(
      (await lr.locator('td').allInnerTexts()).map((t) => t.trim()),
      ['0.1', '0.01'],
    );
    const loss = compare.locator('.metrics-table tr[data-metric="loss"]');
    const cells = (await loss.locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.match(cells[0], /^0\.4 best 0\.4$/);
    assert.match(cells[1], /^0\.25 best 0\.25 -0\.15 \(-37\.5%\)$/);
    assert.equal(await loss.locator('td').nth(1).locator('.delta.better').count(), 1, 'lower loss is better');
    await compare.locator('.chart[data-metric="loss"] canvas').waitFor({ timeout: 30_000 });
    await wb.screenshot('compare panel');
  });
});

describe('A runs table wider than two screens', () => {
  const { root, workspace, store } = fixtureWorkspaceWithStore('runlog-e2e-wide-');
  // 40 params: the table is about 5,000 px wide, so only the columns in view get cells.
  const params = (seed: number) =>
    Object.fromEntries(
      Array.from({ length: 40 }, (_, p) => [`p${String(p).padStart(2, '0')}`, seed * 100 + p]),
    );
  writeRun(store, { name: 'wide-a', params: params(1) }, series('acc', [0.5, 0.7]));
  const wide = writeRun(store, { name: 'wide-b', params: params(2) }, series('acc', [0.6, 0.9]));
  const wb = useWorkbench({ name: 'wide-table', workspace });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('shows metrics first, builds the columns in view, and fills the far ones when scrolled sideways', async function () {
    this.timeout(180_000);
    const { page } = wb;
    await wb.runCommand('Runlog: Open Runs Table');
    const table = await webviewFrame(page, '.grid-row[data-run]');
    const row = table.locator(`.grid-row[data-run="${wide.id}"]`);
    // Every column has a header; the metric is in view without scrolling; the last param has no cells yet.
    assert.equal(await table.locator('.header-cell[data-column]').count(), 7 + 1 + 40);
    assert.equal(await row.locator('[data-column="name"]').innerText(), 'wide-b');
    assert.equal((await row.locator('[data-column="metric:acc"]').innerText()).trim(), '0.9');
    assert.equal(await row.locator('[data-column="param:p39"]').count(), 0);
    assert.equal(await table.locator('.grid-viewport').getAttribute('aria-colcount'), String(1 + 7 + 1 + 40));
    await table.locator('.grid-viewport').evaluate((viewport) => {
      viewport.scrollLeft = viewport.scrollWidth;
    });
    await row.locator('[data-column="param:p39"]', { hasText: '239' }).waitFor();
    assert.equal(await row.locator('[data-column="experiment"]').count(), 0, 'the far left columns are gone');
    // The name sticks to the left edge of the view.
    const name = row.locator('[data-column="name"]');
    assert.equal(await name.innerText(), 'wide-b');
    const [nameLeft, viewLeft] = await Promise.all([
      name.evaluate((cell) => cell.getBoundingClientRect().left),
      table.locator('.grid-viewport').evaluate((viewport) => viewport.getBoundingClientRect().left),
    ]);
    assert.ok(Math.abs(nameLeft - viewLeft) <= 1, `name at ${nameLeft} px, view at ${viewLeft} px`);
    assert.equal(
      await row.locator('[data-column="param:p39"]').getAttribute('aria-colindex'),
      String(1 + 7 + 1 + 40),
    );
    // Grouped by experiment, the group's label stays in view too.
    await table.locator('vscode-checkbox', { hasText: 'Group by experiment' }).click();
    const label = table.locator('.group-row .group-label').first();
    await label.waitFor();
    const labelLeft = await label.evaluate((element) => element.getBoundingClientRect().left);
    assert.ok(labelLeft >= viewLeft && labelLeft <= viewLeft + 10, `group label at ${labelLeft} px`);
    // A cell's tooltip (its full text, for a clipped value) is set when the pointer reaches it.
    await row.locator('[data-column="param:p38"]').hover();
    await table.locator(`.grid-row[data-run="${wide.id}"] [data-column="param:p38"][title="238"]`).waitFor();
    await wb.screenshot('wide table scrolled right');
  });
});
