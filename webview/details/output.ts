// The Output section: the last lines of output.log, appended live, following the end while scrolled to the bottom.
import { actionLink, h } from '../shared/dom';
import { formatCount } from '../shared/format';
import type { OutputTail } from './outputTail';
import { emptyState } from './ui';

export class OutputView {
  readonly root = h('div', { class: 'output' });
  private readonly pre = h('pre', {
    class: 'output-text',
    attrs: { tabindex: 0, 'aria-label': 'Run output' },
  });
  private readonly note = h('p', { class: 'output-note' });
  private readonly empty = emptyState('No output.');
  private frame = 0;
  /** Follow new output; turned off when the user scrolls up, on again at the bottom. */
  private follow = true;

  constructor(
    private readonly tail: OutputTail,
    private readonly openOutput: () => void,
  ) {
    this.pre.addEventListener('scroll', () => {
      this.follow = this.pre.scrollTop + this.pre.clientHeight >= this.pre.scrollHeight - 8;
    });
    this.root.append(this.empty, this.pre, this.note);
  }

  /** "No output yet." while the run may still print, "No output." after. */
  setRunning(running: boolean): void {
    this.empty.textContent = running ? 'No output yet.' : 'No output.';
  }

  /** Shows the tail on the next frame (many appends per frame cost one redraw). */
  update(truncated: boolean, immediately = false): void {
    const render = () => {
      this.frame = 0;
      this.render(truncated);
    };
    if (immediately) {
      if (this.frame) cancelAnimationFrame(this.frame);
      render();
    } else {
      this.frame ||= requestAnimationFrame(render);
    }
  }

  private render(truncated: boolean): void {
    const text = this.tail.text;
    const hasOutput = text !== '' || this.tail.dropped > 0;
    this.empty.hidden = hasOutput;
    this.pre.hidden = !hasOutput;
    if (this.pre.textContent !== text) this.pre.textContent = text;
    if (this.follow) this.pre.scrollTop = this.pre.scrollHeight;
    const earlier = truncated || this.tail.dropped > 0;
    this.note.hidden = !earlier;
    if (earlier) {
      this.note.replaceChildren(
        `Showing the last ${formatCount(this.tail.lineCount)} lines. `,
        actionLink('Open the full output', this.openOutput),
      );
    }
  }
}
