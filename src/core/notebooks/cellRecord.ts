import { createHash } from 'node:crypto';

// One line of a notebook run's cells.jsonl (docs/store-format.md, "Notebook runs"). Plain data, no VS Code types:
// the extension converts the notebook API's cells and outputs into the shapes below.

/** Source text longer than this is stored cut (the hash is still of the whole text). */
export const MAX_SOURCE_CHARS = 100_000;
/** Text outputs keep at most this much as a preview; anything else (images, big data) is only kind and size. */
export const MAX_PREVIEW_CHARS = 500;
const MAX_ERROR_MESSAGE_CHARS = 2_000;

export interface OutputItemSummary {
  mime: string;
  size: number;
}

export interface OutputSummary {
  /** Kinds of the outputs in order of first appearance: `stdout`, `stderr`, `error`, or a MIME type. */
  kinds: string[];
  items: OutputItemSummary[];
  /** Total bytes of all output items. */
  bytes: number;
  /** The start of the text output (stdout, stderr, text/plain), cut at MAX_PREVIEW_CHARS. */
  preview?: string;
  error?: { name: string; message: string };
}

export interface CellRecord {
  /** Stable cell id: the notebook format's cell id when it has one, else the editor's id for the cell. */
  cell: string;
  index: number;
  /** The kernel's execution count, when it gives one. */
  order: number | null;
  hash: string;
  source: string;
  sourceTruncated?: boolean;
  language: string;
  start: string;
  end: string;
  durationMs: number;
  /** undefined when the kernel did not say (an interrupted cell). */
  success: boolean | null;
  outputs: OutputSummary;
}

/** An output item as the notebook API gives it. */
export interface OutputItemInput {
  mime: string;
  data: Uint8Array;
}

const STREAM_KINDS: Record<string, string> = {
  'application/vnd.code.notebook.stdout': 'stdout',
  'application/vnd.code.notebook.stderr': 'stderr',
  'application/vnd.code.notebook.error': 'error',
};
const decoder = new TextDecoder();

/** Kinds, sizes, a short text preview and the error of a cell's outputs; never a copy of large data. */
export function summarizeOutputs(outputs: readonly (readonly OutputItemInput[])[]): OutputSummary {
  const kinds: string[] = [];
  const items: OutputItemSummary[] = [];
  let bytes = 0;
  let preview = '';
  let error: OutputSummary['error'];
  for (const output of outputs) {
    // An output holds alternatives of one value (text/plain next to text/html): the first text one is previewed.
    let previewed = false;
    for (const item of output) {
      const kind = STREAM_KINDS[item.mime] ?? item.mime;
      if (!kinds.includes(kind)) kinds.push(kind);
      items.push({ mime: item.mime, size: item.data.byteLength });
      bytes += item.data.byteLength;
      if (kind === 'error') {
        error ??= parseError(item.data);
      } else if (
        !previewed &&
        preview.length < MAX_PREVIEW_CHARS &&
        (kind === 'stdout' || kind === 'stderr' || item.mime === 'text/plain')
      ) {
        previewed = true;
        const room = MAX_PREVIEW_CHARS - preview.length;
        preview += decoder.decode(item.data.subarray(0, room * 4)).slice(0, room);
      }
    }
  }
  const summary: OutputSummary = { kinds, items, bytes };
  if (preview !== '') summary.preview = preview;
  if (error) summary.error = error;
  return summary;
}

function parseError(data: Uint8Array): { name: string; message: string } {
  try {
    const value = JSON.parse(decoder.decode(data)) as { name?: unknown; message?: unknown };
    return {
      name: typeof value.name === 'string' ? value.name : 'Error',
      message: typeof value.message === 'string' ? value.message.slice(0, MAX_ERROR_MESSAGE_CHARS) : '',
    };
  } catch {
    return { name: 'Error', message: '(the error output is not readable)' };
  }
}

export function sourceHash(source: string): string {
  return `sha256:${createHash('sha256').update(source).digest('hex')}`;
}

export interface CellExecutionInput {
  cell: string;
  index: number;
  order: number | undefined;
  source: string;
  language: string;
  /** Unix milliseconds, as the notebook API's execution summary gives them. */
  startMs: number;
  endMs: number;
  success: boolean | undefined;
  outputs: readonly (readonly OutputItemInput[])[];
}

export function cellRecordOf(input: CellExecutionInput): CellRecord {
  const truncated = input.source.length > MAX_SOURCE_CHARS;
  const record: CellRecord = {
    cell: input.cell,
    index: input.index,
    order: input.order ?? null,
    hash: sourceHash(input.source),
    source: truncated ? input.source.slice(0, MAX_SOURCE_CHARS) : input.source,
    language: input.language,
    start: new Date(input.startMs).toISOString(),
    end: new Date(input.endMs).toISOString(),
    durationMs: Math.max(0, Math.round(input.endMs - input.startMs)),
    success: input.success ?? null,
    outputs: summarizeOutputs(input.outputs),
  };
  if (truncated) record.sourceTruncated = true;
  return record;
}
