// The page header: run name, status, facts and the actions (the same commands as the palette and the Runs view).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { DetailsCommand } from './contract';
import type { RunDocument } from '../../src/core/store/types';
import { formatDuration, runDuration } from '../../src/core/format';
import { h } from '../shared/dom';
import { formatLocalTime } from '../shared/format';

const STATUS_LABELS: Record<string, string> = {
  running: 'Running',
  finished: 'Finished',
  failed: 'Failed',
  interrupted: 'Interrupted',
  crashed: 'Crashed',
};

const STATUS_TITLES: Record<string, string> = {
  running: 'The run is in progress',
  finished: 'The run ended normally',
  failed: 'The run ended with an error',
  interrupted: 'The run was stopped before it finished',
  crashed: 'The process died without closing the run',
};

interface Action {
  command: DetailsCommand;
  label: string;
  title: string;
  primary?: boolean;
  onlyWhenRunning?: boolean;
  /** hidden while the run is running (a running run cannot be promoted) */
  onlyWhenEnded?: boolean;
}

const ACTIONS: Action[] = [
  { command: 'runlog.stopRun', label: 'Stop', title: 'Stop the run', primary: true, onlyWhenRunning: true },
  {
    command: 'runlog.promoteRun',
    label: 'Promote…',
    title: 'Push this run’s model to a registry, tag a version and trigger the pipeline',
    onlyWhenEnded: true,
  },
  {
    command: 'runlog.rerunWithArguments',
    label: 'Re-run…',
    title: 'Run the same command again, with other arguments',
  },
  {
    command: 'runlog.compareRuns',
    label: 'Compare With…',
    title: 'Pick runs to compare this run with',
  },
  { command: 'runlog.renameRun', label: 'Rename', title: 'Rename the run' },
  { command: 'runlog.tagRun', label: 'Tag', title: 'Add or change a tag' },
  { command: 'runlog.openRunOutput', label: 'Open Output', title: 'Open output.log in an editor' },
  {
    command: 'runlog.revealRun',
    label: 'Reveal in Explorer',
    title: 'Reveal the run folder in the Explorer',
  },
  { command: 'runlog.deleteRun', label: 'Delete', title: 'Move the run to the store’s trash' },
];

export class Header {
  readonly root: HTMLElement;
  private readonly name = h('h1', { class: 'run-name' });
  private readonly status = h('span', { class: 'status', attrs: { role: 'status' } });
  private readonly experiment = h('span', { class: 'fact-value' });
  private readonly id = h('span', { class: 'fact-value mono' });
  private readonly started = h('span', { class: 'fact-value' });
  private readonly duration = h('span', { class: 'fact-value' });
  private readonly buttons = new Map<DetailsCommand, HTMLElement>();
  private run: RunDocument | undefined;
  private hostDuration = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(runCommand: (command: DetailsCommand) => void) {
    const actions = h('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Run actions' } });
    for (const action of ACTIONS) {
      const button = h(
        'vscode-button',
        {
          title: action.title,
          attrs: { secondary: !action.primary },
          on: { click: () => runCommand(action.command) },
        },
        action.label,
      );
      this.buttons.set(action.command, button);
      actions.append(button);
    }
    const fact = (label: string, value: HTMLElement) =>
      h('div', { class: 'fact' }, h('span', { class: 'fact-label' }, label), value);
    this.root = h(
      'header',
      { class: 'run-header' },
      h('div', { class: 'title-row' }, this.name, this.status),
      h(
        'div',
        { class: 'facts' },
        fact('Experiment', this.experiment),
        fact('Run ID', this.id),
        fact('Started', this.started),
        fact('Duration', this.duration),
      ),
      actions,
    );
  }

  update(run: RunDocument, duration: string): void {
    this.run = run;
    this.hostDuration = duration;
    this.name.textContent = run.name;
    this.name.title = run.name;
    this.status.className = `status status-${STATUS_LABELS[run.status] ? run.status : 'unknown'}`;
    this.status.textContent = STATUS_LABELS[run.status] ?? run.status;
    this.status.title = STATUS_TITLES[run.status] ?? '';
    this.experiment.textContent = run.experiment || '—';
    this.id.textContent = run.id;
    this.started.textContent = formatLocalTime(run.startTime) || '—';
    this.started.title = run.startTime;
    const running = run.status === 'running';
    for (const action of ACTIONS) {
      const button = this.buttons.get(action.command);
      if (button && action.onlyWhenRunning) button.hidden = !running;
      if (button && action.onlyWhenEnded) button.hidden = running;
    }
    this.tick();
    // While running, the duration counts up here between the extension's updates.
    if (running && !this.timer) this.timer = setInterval(() => this.tick(), 1000);
    if (!running && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    const run = this.run;
    if (!run) return;
    const live = run.status === 'running' ? formatDuration(runDuration(run)) : '';
    this.duration.textContent = live || this.hostDuration || '—';
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
