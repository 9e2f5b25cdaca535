// Root hooks of the unit layer (loaded by .mocharc.json): tests leave no folders behind in the temp directory.
import { removeTempStores } from '../fixtures/runs';

export const mochaHooks = {
  afterAll(): void {
    removeTempStores();
  },
};
