// The Datasets and Artifacts sections.
import type { ArtifactRecord, DatasetRecord } from '../../src/core/store/types';
import { actionLink, h } from '../shared/dom';
import { formatBytes, formatCount, shortDigest } from '../shared/format';
import { isRunRelativePath } from './state';
import { emptyState, mono, table } from './ui';

export function renderDatasets(parent: HTMLElement, datasets: DatasetRecord[]): void {
  if (datasets.length === 0) {
    parent.replaceChildren(emptyState('No datasets logged.'));
    return;
  }
  parent.replaceChildren(
    table<DatasetRecord>(
      [
        { label: 'Name', cell: (d) => d.name || '—', class: 'strong' },
        { label: 'Role', cell: (d) => h('span', { class: `pill role-${d.role}` }, d.role) },
        { label: 'Path', cell: (d) => mono(d.path), class: 'path', title: (d) => d.path },
        { label: 'Digest', cell: (d) => mono(shortDigest(d.digest)), title: (d) => d.digest },
        { label: 'Size', cell: (d) => formatBytes(d.size), class: 'num' },
        { label: 'Files', cell: (d) => (Number.isFinite(d.files) ? formatCount(d.files) : ''), class: 'num' },
      ],
      datasets,
      'datasets',
    ),
  );
}

export function renderArtifacts(
  parent: HTMLElement,
  artifacts: ArtifactRecord[],
  openFile: (path: string) => void,
): void {
  if (artifacts.length === 0) {
    parent.replaceChildren(emptyState('No artifacts logged.'));
    return;
  }
  parent.replaceChildren(
    table<ArtifactRecord>(
      [
        {
          label: 'Path',
          cell: (a) =>
            isRunRelativePath(a.path)
              ? actionLink(a.path, () => openFile(a.path), `Open ${a.path}`)
              : mono(a.path),
          class: 'path',
          title: (a) => (a.source ? `Logged from ${a.source}` : undefined),
        },
        { label: 'Size', cell: (a) => formatBytes(a.size), class: 'num' },
        { label: 'SHA-256', cell: (a) => mono(shortDigest(a.sha256)), title: (a) => a.sha256 },
      ],
      artifacts,
      'artifacts',
    ),
  );
}
