// The Runlog side bar in a real VS Code with the packaged extension: activity-bar entry, welcome content, views.
import * as assert from 'node:assert/strict';
import { useWorkbench } from './workbench';

describe('Runlog side bar', () => {
  const wb = useWorkbench({ name: 'sidebar' });

  it('opens from the activity bar with the Runs welcome content and the Datasets and Registry views', async () => {
    await wb.screenshot('workbench loaded');
    await wb.openRunlogSidebar();

    const runs = wb.view('Runs');
    await runs.getByText('No runs recorded yet', { exact: false }).waitFor({ state: 'visible' });
    const runButton = runs.getByRole('button', { name: 'Run Python File with Tracking' });
    await runButton.waitFor({ state: 'visible' });
    await wb.viewHeader('Datasets').waitFor({ state: 'visible' });
    await wb.viewHeader('Registry').waitFor({ state: 'visible' });
    await wb.screenshot('runlog side bar');

    assert.equal(await runButton.count(), 1);
  });
});
