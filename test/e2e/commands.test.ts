// Runlog's commands from the command palette of a real VS Code with the packaged extension.
import { useWorkbench } from './workbench';

describe('Runlog commands', () => {
  const wb = useWorkbench({ name: 'commands' });

  it('"Runlog: Show Store Location" shows where the run store is', async () => {
    await wb.runCommand('Runlog: Show Store Location');
    const toast = wb.notification('Runlog store');
    try {
      await toast.first().waitFor({ state: 'visible', timeout: 15_000 });
    } finally {
      await wb.screenshot('after show store location');
    }
  });
});
