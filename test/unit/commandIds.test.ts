import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, INTERNAL_COMMANDS, isCommandId } from '../../src/extension/commandIds';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; category?: string }[];
    menus: Record<string, { command: string }[]>;
  };
};
const extensionDir = join(root, 'src', 'extension');
const mainSource = readFileSync(join(extensionDir, 'main.ts'), 'utf8');
/** Every extension source but the id list itself: feature modules register their own commands. */
const extensionSources = readdirSync(extensionDir, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.ts') && name !== 'commandIds.ts')
  .map((name) => readFileSync(join(extensionDir, name), 'utf8'))
  .join('\n');

describe('command ids', () => {
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  const declared = Object.values(COMMANDS).sort();

  it('COMMANDS holds exactly the commands package.json contributes', () => {
    assert.deepEqual(declared, contributed);
  });

  it('every contributed command is in the Runlog category and every menu entry names a known command', () => {
    for (const command of manifest.contributes.commands)
      assert.equal(command.category, 'Runlog', command.command);
    const known = new Set([...declared, 'runlog.runs.focus']);
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      for (const entry of entries) assert.ok(known.has(entry.command), `${menu}: ${entry.command}`);
    }
  });

  it("every command has a handler: in main.ts's table, or registered by its feature's module", () => {
    const all = [...Object.entries(COMMANDS), ...Object.entries(INTERNAL_COMMANDS)];
    const missing = all.filter(
      ([key, id]) =>
        !new RegExp(`\\[(INTERNAL_)?COMMANDS\\.${key}\\]\\s*:`).test(mainSource) &&
        !new RegExp(`registerCommand\\(\\s*(COMMANDS\\.${key}|'${id.replace('.', '\\.')}')`).test(
          extensionSources,
        ) &&
        !extensionSources.includes(`'${id}'`),
    );
    assert.deepEqual(
      missing.map(([, id]) => id),
      [],
    );
  });

  it('internal commands are not contributed, and ids are unique', () => {
    for (const id of Object.values(INTERNAL_COMMANDS)) assert.ok(!contributed.includes(id), id);
    const ids = [...declared, ...Object.values(INTERNAL_COMMANDS)];
    assert.equal(new Set(ids).size, ids.length);
  });

  it('isCommandId accepts exactly the contributed ids (for ids that come from a webview)', () => {
    assert.ok(isCommandId('runlog.showRunDetails'));
    assert.ok(!isCommandId('runlog.openClickedRun'));
    assert.ok(!isCommandId('workbench.action.terminal.sendSequence'));
    assert.ok(!isCommandId(42));
  });
});
