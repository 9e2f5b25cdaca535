// Digests of layers pushed before, keyed by a cheap fingerprint (names, sizes, mtimes): the next push of the same
// model can ask the registry (HEAD) and skip the upload. A cache miss only costs an upload; a corrupt file is ignored.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CachedLayer {
  digest: string;
  size: number;
}

export class LayerCache {
  private entries: Record<string, CachedLayer> | undefined;
  private readonly file: string;

  constructor(storeRoot: string) {
    this.file = join(storeRoot, 'cache', 'promote-layers.json');
  }

  private async load(): Promise<Record<string, CachedLayer>> {
    if (!this.entries) {
      try {
        const value = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
        this.entries = value && typeof value === 'object' ? (value as Record<string, CachedLayer>) : {};
      } catch {
        this.entries = {};
      }
    }
    return this.entries;
  }

  async get(fingerprint: string): Promise<CachedLayer | undefined> {
    const entry = (await this.load())[fingerprint];
    return entry && typeof entry.digest === 'string' && typeof entry.size === 'number' ? entry : undefined;
  }

  async set(fingerprint: string, layer: CachedLayer): Promise<void> {
    const entries = await this.load();
    entries[fingerprint] = layer;
    await mkdir(join(this.file, '..'), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(entries));
    await rename(temp, this.file);
  }
}
