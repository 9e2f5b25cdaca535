// The Capture section: git state, command, environment and anything else a writer recorded without code.
import type { Capture, GitCapture } from '../../src/core/store/types';
import { formatDuration } from '../../src/core/format';
import { actionLink, h, replaceChildren, type Child } from '../shared/dom';
import { formatCommandLine, formatCount } from '../shared/format';
import { isRecord, isRunRelativePath } from './state';
import { emptyState, field, mono } from './ui';

const KNOWN_CAPTURE = new Set([
  'source',
  'command',
  'cwd',
  'pid',
  'host',
  'user',
  'platform',
  'python',
  'packages',
  'git',
  'exitCode',
  'durationSec',
]);

const SOURCE_LABELS: Record<string, string> = {
  script: 'Script launched with tracking',
  client: 'Script using the runlog client',
  debug: 'Debug session',
  notebook: 'Notebook',
};

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function gitValue(git: GitCapture, openFile: (path: string) => void): Child[] {
  const commit = text(git.commit);
  const parts: Child[] = [];
  parts.push(commit ? mono(commit.slice(0, 10), commit) : 'no commit yet');
  const branch = text(git.branch);
  if (branch) parts.push(' on ', mono(branch));
  if (git.dirty === true) {
    parts.push(
      ' ',
      h(
        'span',
        { class: 'pill warning', title: 'Uncommitted changes when the run started' },
        'uncommitted changes',
      ),
    );
  }
  const diff = git.diffFile;
  if (isRunRelativePath(diff))
    parts.push(
      ' ',
      actionLink(`Open ${diff}`, () => openFile(diff), 'Open the diff recorded at start'),
    );
  return parts;
}

export function renderCapture(
  parent: HTMLElement,
  capture: Capture,
  openFile: (path: string) => void,
): number {
  const rows: HTMLElement[] = [];
  const add = (label: string, ...value: Child[]) => {
    if (value.some((v) => v !== undefined && v !== null && v !== '')) rows.push(...field(label, ...value));
  };
  const git = isRecord(capture.git) ? (capture.git as unknown as GitCapture) : undefined;
  if (git) {
    add('Git', ...gitValue(git, openFile));
    if (text(git.remote)) add('Remote', mono(git.remote ?? ''));
  } else if (capture.git === null) {
    add('Git', h('span', { class: 'muted' }, 'not a git repository'));
  }
  if (Array.isArray(capture.command) && capture.command.length > 0) {
    add('Command', h('code', { class: 'command' }, formatCommandLine(capture.command)));
  }
  add('Working folder', text(capture.cwd) && mono(text(capture.cwd) ?? ''));
  const python = isRecord(capture.python) ? capture.python : undefined;
  if (python) {
    const version = [text(python.implementation), text(python.version)].filter(Boolean).join(' ');
    const executable = text(python.executable);
    add('Python', version, version && executable ? ' · ' : '', executable ? mono(executable) : null);
  }
  add('Platform', text(capture.platform));
  add('Host', text(capture.host));
  add('User', text(capture.user));
  add(
    'Source',
    text(capture.source) ? (SOURCE_LABELS[String(capture.source)] ?? text(capture.source)) : undefined,
  );
  add('PID', text(capture.pid));
  if (typeof capture.exitCode === 'number') {
    add(
      'Exit code',
      h('span', { class: capture.exitCode === 0 ? 'exit-ok' : 'exit-error' }, String(capture.exitCode)),
    );
  }
  if (typeof capture.durationSec === 'number') add('Duration', formatDuration(capture.durationSec));
  for (const [key, value] of Object.entries(capture)) {
    if (KNOWN_CAPTURE.has(key) || value === undefined || value === null) continue;
    add(
      key,
      typeof value === 'object'
        ? mono(JSON.stringify(value))
        : typeof value === 'string'
          ? value
          : (JSON.stringify(value) ?? ''),
    );
  }

  const children: Child[] = [];
  if (rows.length) children.push(h('dl', { class: 'fields' }, ...rows));
  const packages = Array.isArray(capture.packages)
    ? capture.packages.filter((p) => typeof p === 'string')
    : [];
  if (packages.length) {
    const list = h('ul', { class: 'packages mono' }, ...packages.map((p) => h('li', null, p)));
    const collapsible = h(
      'vscode-collapsible',
      {
        class: 'packages-collapsible',
        attrs: { heading: 'Python packages', description: formatCount(packages.length) },
      },
      list,
    );
    children.push(collapsible);
  }
  replaceChildren(parent, ...(children.length ? children : [emptyState('Nothing captured.')]));
  return rows.length / 2 + (packages.length ? 1 : 0);
}
