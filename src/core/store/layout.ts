import { join } from 'node:path';

/** Where each part of the store lives (docs/store-format.md). One place, so no path is spelled twice. */
export class StoreLayout {
  constructor(readonly root: string) {}

  get runsDir(): string {
    return join(this.root, 'runs');
  }
  get trashDir(): string {
    return join(this.root, 'trash');
  }
  runDir(id: string): string {
    return join(this.runsDir, id);
  }
  runDocument(id: string): string {
    return join(this.runDir(id), 'run.json');
  }
  metricsFile(id: string): string {
    return join(this.runDir(id), 'metrics.jsonl');
  }
  outputFile(id: string): string {
    return join(this.runDir(id), 'output.log');
  }
}
