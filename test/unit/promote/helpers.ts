// Shared by the promotion tests: a store with one run holding a model artifact, and a gate evaluator.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReadableRun, RunDocument } from '../../../src/core/store/types';
import { readFileSync } from 'node:fs';
import { series, tempStore, writeRun } from '../../fixtures/runs';

export interface ModelRun {
  storeRoot: string;
  run: ReadableRun;
  cleanup(): void;
}

/** A store with a finished run whose artifacts/ holds `model.bin` (logged with log_model) and a `tokenizer/` folder. */
export function storeWithModelRun(
  overrides: Partial<RunDocument> = {},
  modelBytes = Buffer.from('weights-v1\n'),
  acc = 0.93,
): ModelRun {
  const storeRoot = tempStore('runlog-promote-');
  const doc = writeRun(
    storeRoot,
    {
      name: 'winner',
      params: { lr: 0.3, layers: 4 },
      capture: {
        source: 'script',
        git: { commit: 'a'.repeat(40), branch: 'main', dirty: false, diffFile: null, remote: null },
      },
      datasets: [
        {
          name: 'train',
          path: 'data/train.csv',
          role: 'input',
          digest: `sha256:${'b'.repeat(64)}`,
          size: 10,
          files: 1,
        },
      ],
      artifacts: [
        { path: 'artifacts/model.bin', size: modelBytes.length, model: { name: 'churn', flavor: 'sklearn' } },
        { path: 'artifacts/tokenizer', size: 6 },
      ],
      ...overrides,
    },
    [...series('acc', [0.5, acc]), ...series('loss', [1, 0.2])],
  );
  const dir = join(storeRoot, 'runs', doc.id);
  mkdirSync(join(dir, 'artifacts', 'tokenizer', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'artifacts', 'model.bin'), modelBytes);
  writeFileSync(join(dir, 'artifacts', 'tokenizer', 'vocab.txt'), 'a b c\n');
  writeFileSync(join(dir, 'artifacts', 'tokenizer', 'sub', 'x.json'), '{}');
  const written = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunDocument;
  return {
    storeRoot,
    run: { kind: 'run', id: doc.id, dir, doc: written },
    cleanup: () => rmSync(dirname(storeRoot), { recursive: true, force: true }),
  };
}
