import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import { readGoalSetting, type Goal } from './goals';

// `runlog diff` outside the editor: `runlog.metricGoals` read from a workspace's .vscode/settings.json, which VS Code
// writes as JSON with comments and trailing commas (JSONC), and `--goal name=min|max` options.

export interface GoalsFromFile {
  /** The settings file read, when one was found. */
  file?: string;
  goals: Map<string, Goal>;
  /** Why some or all goals of the file were not used (the command still runs, guessing those goals). */
  problems: string[];
}

/** The first .vscode/settings.json in these folders or their parents (nearest first); undefined when none. */
export function findSettingsFile(folders: string[]): string | undefined {
  for (const start of folders) {
    for (let dir = start; ; dir = dirname(dir)) {
      const file = join(dir, '.vscode', 'settings.json');
      if (existsSync(file)) return file;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** Line and column (1-based) of an offset in a text. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * Reads runlog.metricGoals from a settings file. A file that cannot be read or parsed gives no goals and a problem
 * naming the file and where it is wrong: goals are then guessed, as when the setting is absent.
 */
export function readGoalsFile(file: string): GoalsFromFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { file, goals: new Map(), problems: [`${file} cannot be read (${(error as Error).message})`] };
  }
  const errors: ParseError[] = [];
  const settings: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0];
    return {
      file,
      goals: new Map(),
      problems: [
        `${file} is not valid JSON with comments: ${printParseErrorCode(first.error)} at ${position(text, first.offset)}; ignoring its runlog.metricGoals`,
      ],
    };
  }
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings))
    return { file, goals: new Map(), problems: [`${file} does not hold a settings object`] };
  const { goals, problems } = readGoalSetting((settings as Record<string, unknown>)['runlog.metricGoals']);
  return { file, goals, problems: problems.map((problem) => `${file}: ${problem}`) };
}

/** Parses `--goal name=min|max`; the name may itself hold "=" (the last one separates). */
export function parseGoalOption(text: string): [string, Goal] {
  const at = text.lastIndexOf('=');
  const name = at > 0 ? text.slice(0, at).trim() : '';
  const goal =
    at > 0
      ? text
          .slice(at + 1)
          .trim()
          .toLowerCase()
      : '';
  if (!name || (goal !== 'min' && goal !== 'max'))
    throw new Error(`--goal ${text}: expected name=min or name=max, e.g. --goal loss=min --goal acc=max`);
  return [name, goal];
}
