// `runlog`: read the store from a terminal or CI, on the same core as the editor.
import { parseArgs } from 'node:util';
import { commands, CliError, invocationFolder, usage } from './commands';
import { PROMOTE_COMMANDS, promoteUsage, runPromoteCli } from './promoteCommands';

async function main(argv: string[]): Promise<number> {
  if (PROMOTE_COMMANDS.includes(argv[0])) return runPromoteCli(argv, process.stdout);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      goal: { type: 'string', multiple: true },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  if (values.version) {
    console.log(VERSION);
    return 0;
  }
  const [name, ...rest] = positionals;
  if (values.help || !name) {
    console.log(usage + promoteUsage);
    return name || values.help ? 0 : 2;
  }
  const command = commands[name];
  if (!command) throw new CliError(`unknown command "${name}"\n\n${usage}`);
  return command(rest, { ...values, cwd: invocationFolder() }, process.stdout);
}

declare const VERSION: string;

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`runlog: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof CliError ? 2 : 1;
  },
);
