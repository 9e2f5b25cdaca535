// Mocha root hooks for the unit tests (loaded by .mocharc.json): the run leaves no folders behind in the temp
// directory (after all tests: some suites share one store across their tests).
import { removeTempStores } from '../fixtures/runs';

export const mochaHooks = {
  afterAll(): void {
    removeTempStores();
  },
};
