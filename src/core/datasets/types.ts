// Dataset versions as the store holds them (docs/datasets.md): written by the Python client
// (src/python/runlog/_datasets.py, profiles by _tabular.py), read here for the Datasets view, the CLI and diffs.

/** One file of a version: path relative to the dataset folder (`/`-separated; a file dataset: its name). */
export interface ManifestEntry {
  path: string;
  size: number;
  /** sha256 hex of the file's bytes. */
  digest: string;
}

export type StoredFloat = number | 'NaN' | 'Infinity' | '-Infinity';

export interface ColumnProfile {
  name: string;
  type: 'number' | 'string' | 'boolean' | 'empty';
  /** Non-null values. */
  count: number;
  nulls: number;
  distinct: number;
  distinctExact: boolean;
  integer?: boolean;
  min?: StoredFloat;
  max?: StoredFloat;
  mean?: StoredFloat;
  /** The 0th..100th percentiles (101 values; of a systematic sample when `sampled`). */
  quantiles?: StoredFloat[];
  sampled?: boolean;
  /** The most frequent values (as strings) with their counts, while the column has few distinct values. */
  top?: [string, number][];
  /** Non-null values outside `top`. */
  otherCount?: number;
}

export interface TabularProfile {
  format: 'csv' | 'tsv' | 'jsonl' | 'parquet';
  rows: number;
  malformedRows: number;
  malformedExamples: number[];
  /** Set when a CSV could not be parsed to its end: after which line, and why (the profile stops there). */
  error?: string;
  columns: ColumnProfile[];
  /**
   * Present when the column statistics come from a sample of whole records (CSV/TSV files over the size threshold,
   * or profiled with `profile="sample"`): `rows` and the digest stay exact, while the columns' counts, nulls,
   * min/max/mean, quantiles, categories and distinct estimates, and `malformedRows`, describe the sampled records.
   */
  sample?: ProfileSample;
}

export interface ProfileSample {
  /** Rows profiled (of the header's width). */
  rows: number;
  /** Bytes of the records profiled. */
  bytes: number;
  /** `blocks`: the first 32 MB, then blocks evenly spaced through the file, each cut to whole records. */
  method: 'blocks';
}

export interface VersionProblem {
  path: string;
  problem: string;
}

/** `<store>/datasets/sha256/<hex>.json`: a version recorded whole, so it can be compared after the data changed. */
export interface VersionRecord {
  schema: 1;
  /** `sha256:<hex>` */
  digest: string;
  kind: 'file' | 'folder';
  size: number;
  files: number;
  manifest: ManifestEntry[];
  /** Profiles of the tabular files, by manifest path. */
  profiles: Record<string, TabularProfile>;
  problems: VersionProblem[];
  createdAt: string;
}

/** One line of `<store>/datasets/tracked.jsonl`: a version recorded by Track Dataset… (no run). */
export interface TrackedEntry {
  name: string;
  path: string;
  digest: string;
  size: number;
  files: number;
  at: string;
}
