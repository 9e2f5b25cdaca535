// The Promotions section: every promotion, override and rollback of this run from the audit log (newest first),
// with who, when, where, the digest (copyable), the gates and the pipeline result; Retry Pipeline on a failed one.
// The buttons post the same commands the palette runs (runlog.promoteRun, runlog.retryPipeline).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { PromotionEntry } from './contract';
import { actionLink, h } from '../shared/dom';
import { formatLocalTime, shortDigest } from '../shared/format';
import { ACTION_LABELS, gateLines, outcomeTone, pipelineText, promotionTarget } from './promotionText';
import { emptyState, field, mono } from './ui';

export interface PromotionActions {
  promote(): void;
  retry(promotionId: string): void;
  copyDigest(digest: string): void;
}

export function renderPromotions(
  parent: HTMLElement,
  promotions: PromotionEntry[] | undefined,
  actions: PromotionActions,
): void {
  if (promotions === undefined) {
    parent.replaceChildren(emptyState('Reading the audit log…'));
    return;
  }
  if (promotions.length === 0) {
    parent.replaceChildren(
      h(
        'div',
        { class: 'promotions-empty' },
        emptyState('This run has not been promoted. '),
        h(
          'vscode-button',
          {
            title: 'Push this run’s model to a registry (Runlog: Promote Run…)',
            on: { click: () => actions.promote() },
          },
          'Promote…',
        ),
      ),
    );
    return;
  }
  parent.replaceChildren(
    h('ol', { class: 'promotions' }, ...promotions.map((entry) => promotionItem(entry, actions))),
  );
}

function promotionItem(entry: PromotionEntry, actions: PromotionActions): HTMLElement {
  const gates = gateLines(entry);
  const pipeline = pipelineText(entry);
  return h(
    'li',
    { class: `promotion action-${entry.action}`, attrs: { 'data-promotion-id': entry.id } },
    h(
      'div',
      { class: 'promotion-title' },
      h('span', { class: `pill action-pill action-${entry.action}` }, ACTION_LABELS[entry.action]),
      h('span', { class: 'strong' }, promotionTarget(entry) || '—'),
      h('span', { class: `pill outcome outcome-${outcomeTone(entry)}` }, entry.outcome),
      entry.canRetry
        ? h(
            'vscode-button',
            {
              class: 'retry',
              title: 'Trigger the pipeline again (Runlog: Retry Pipeline)',
              on: { click: () => actions.retry(entry.id) },
            },
            'Retry Pipeline',
          )
        : null,
    ),
    h(
      'dl',
      { class: 'fields promotion-fields' },
      ...field('When', h('span', { title: entry.at }, formatLocalTime(entry.at))),
      ...field('Who', entry.user),
      ...field('Target', entry.target ? `${entry.target} (${entry.repository})` : entry.repository),
      ...(entry.digest
        ? field(
            'Digest',
            mono(shortDigest(entry.digest, 19), entry.digest),
            ' ',
            actionLink('Copy', () => actions.copyDigest(entry.digest!), `Copy ${entry.digest}`),
          )
        : []),
      ...(gates.length
        ? field(
            'Gates',
            h(
              'ul',
              { class: 'gates' },
              ...gates.map((gate) =>
                h(
                  'li',
                  { class: gate.ok ? 'gate gate-ok' : 'gate gate-failed' },
                  h('span', { class: 'gate-mark', attrs: { 'aria-hidden': 'true' } }, gate.ok ? '✓' : '✗'),
                  ' ',
                  gate.text,
                ),
              ),
            ),
          )
        : []),
      ...(pipeline
        ? field(
            'Pipeline',
            // Only web addresses become links (VS Code opens them in the browser).
            entry.pipeline?.url && /^https?:\/\//i.test(entry.pipeline.url)
              ? h(
                  'a',
                  { class: 'link', title: entry.pipeline.url, attrs: { href: entry.pipeline.url } },
                  pipeline,
                )
              : pipeline,
          )
        : []),
      ...(entry.error ? field('Error', h('span', { class: 'error-text' }, entry.error)) : []),
    ),
  );
}
