// The Tags section.
import { actionLink, h } from '../shared/dom';
import { emptyState } from './ui';

export function renderTags(parent: HTMLElement, tags: Record<string, string>, addTag: () => void): void {
  const entries = Object.entries(tags);
  if (entries.length === 0) {
    parent.replaceChildren(emptyState('No tags. ', actionLink('Add a tag', addTag)));
    return;
  }
  parent.replaceChildren(
    h(
      'ul',
      { class: 'tags' },
      ...entries.map(([key, value]) =>
        h(
          'li',
          { class: 'tag', title: `${key} = ${value}` },
          h('span', { class: 'tag-key' }, key),
          value === '' ? null : h('span', { class: 'tag-value' }, value),
        ),
      ),
    ),
  );
}
