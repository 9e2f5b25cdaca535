// The Error section: the exception (or crash) that ended the run.
import type { RunDocument } from '../../src/core/store/types';
import { h } from '../shared/dom';

export function renderError(parent: HTMLElement, error: NonNullable<RunDocument['error']>): void {
  parent.replaceChildren(
    h(
      'div',
      { class: 'error-box', attrs: { role: 'alert' } },
      h(
        'div',
        { class: 'error-title' },
        h('span', { class: 'error-type' }, error.type || 'Error'),
        error.message ? `: ${error.message}` : '',
      ),
      error.traceback ? h('pre', { class: 'traceback' }, error.traceback.replace(/\s+$/, '')) : null,
    ),
  );
}
