"""Profiles of tabular files (CSV, TSV, JSON Lines), computed in the same read that hashes the file.

Speed: no Python code runs per cell. The file is read in large binary blocks (each one fed to sha256, so the
profile describes exactly the bytes of the digest), decoded incrementally and cut into whole lines (the partial
last line of a block is carried into the next, so a block boundary never cuts a line, and one csv.reader reads
the lines of all blocks, so a quoted field that spans lines, and blocks, is parsed whole). Rows come in chunks;
a chunk is transposed with zip(*rows) and each column is summarised with C-level builtins: tuple.count for nulls,
map(int)/map(float) for types and numbers, min/max/math.fsum, Counter for categories, a set of hashes for the
distinct estimate, slicing for the quantile sample. See docs/datasets.md for the profile's fields.
"""

import codecs
import collections
import csv
import gc
import heapq
import itertools
import json
import math

from . import _util

BLOCK_BYTES = 4 << 20
ROWS_PER_CHUNK = 1024  # small enough that a chunk's cells stay in the CPU cache between the passes over it
SAMPLE_TARGET = 8192  # values kept per numeric column for its quantiles (all of them when there are fewer)
CATEGORY_CAP = 2000  # a column with more distinct values keeps no category counts (only a distinct estimate)
TOP_CATEGORIES = 50
KMV_K = 2048  # k-minimum-values sketch size: distinct estimates within a few %
QUANTILES = 101  # 0th..100th percentile
MALFORMED_EXAMPLES = 5
_HASH_SPAN = 1 << 64  # hash() values are 64-bit and signed: the sketch keeps the smallest, from -2**63 up
_HASH_MIN = -(1 << 63)


def _kmv_hashes(values, numeric):
    """Hashes of the values for the distinct sketch, in [-2**63, 2**63).

    Numbers: the hash of a 1-tuple of the number (CPython's tuple hash mixes the number's hash, and a number's hash
    is not salted, so the estimate is the same in every process); zip reuses its 1-tuple, so nothing is allocated
    per value. Text: Python's str hash (SipHash, computed in C and cached on the string). It is salted per process,
    so an estimate over 2,048 distinct values can differ by a few % between two runs on the same data; only the
    estimate is stored, never the hashes.
    """
    return map(hash, zip(values) if numeric else values)


class Column:
    """Streaming statistics of one column. Numbers: exact count, min, max, mean; quantiles of a systematic sample.
    Values: exact category counts while there are at most CATEGORY_CAP of them, else a k-minimum-values estimate."""

    __slots__ = ("name", "count", "nulls", "kind", "integer", "lo", "hi", "total", "sample", "stride", "skip",
                 "counts", "kmv", "kmv_bound")

    def __init__(self, name):
        self.name = name
        self.count = 0
        self.nulls = 0
        self.kind = None  # "number" | "string" | "boolean" once values are seen
        self.integer = True
        self.lo = self.hi = None
        self.total = []  # partial sums (math.fsum of each chunk), summed exactly at the end
        self.sample = []
        self.stride = 1
        self.skip = 0
        self.counts = collections.Counter()
        self.kmv = None
        self.kmv_bound = 1 << 63

    def add_text(self, values):
        """One chunk of a CSV/TSV column: text cells, '' is null."""
        nulls = values.count("")
        self.nulls += nulls
        if nulls == len(values):
            return
        present = list(filter(None, values)) if nulls else values
        self.count += len(present)
        nums = None
        if self.kind is None or self.kind == "number":
            if self.integer:
                try:
                    nums = list(map(int, present))
                except ValueError:
                    self.integer = False
            if nums is None:
                try:
                    nums = list(map(float, present))
                except ValueError:
                    self.kind = "string"
                    self.drop_numbers()
            if nums is not None:
                self.kind = "number"
                self.add_numbers(nums)
        if self.counts is not None:
            self.add_keys(present)
        elif nums is not None:
            self.add_hashes(_kmv_hashes(nums, True))
        else:
            self.add_hashes(_kmv_hashes(present, False))

    def add_numbers(self, nums):
        if not nums:
            return
        lo, hi = min(nums), max(nums)
        self.lo = lo if self.lo is None or lo < self.lo else self.lo
        self.hi = hi if self.hi is None or hi > self.hi else self.hi
        self.total.append(math.fsum(nums))
        self.sample += nums[self.skip::self.stride]
        self.skip = (self.skip - len(nums)) % self.stride
        while len(self.sample) > 2 * SAMPLE_TARGET:
            # keep every other sampled value; the next value due is kept only if it falls on an even position
            if len(self.sample) % 2:
                self.skip += self.stride
            del self.sample[1::2]
            self.stride *= 2

    def drop_numbers(self):
        self.lo = self.hi = None
        self.total = []
        self.sample = []

    def add_keys(self, keys):
        """The values as text, while category counts are kept; past CATEGORY_CAP, switches to the sketch."""
        self.counts.update(keys)
        if len(self.counts) > CATEGORY_CAP:
            seen = list(self.counts)
            self.counts = None
            self.kmv = set()
            numeric = self.kind == "number"
            self.add_hashes(_kmv_hashes(map(float, seen) if numeric and not self.integer else
                                        map(int, seen) if numeric else seen, numeric))

    def add_hashes(self, hashes):
        # only hashes below the current k-th smallest can matter: filter in C, keep the k smallest now and then
        kmv = self.kmv
        kmv.update(filter(self.kmv_bound.__gt__, hashes))
        if len(kmv) > 2 * KMV_K:
            kept = heapq.nsmallest(KMV_K, kmv)
            self.kmv = set(kept)
            self.kmv_bound = kept[-1] + 1

    def result(self):
        out = {"name": self.name, "type": self.kind or "empty", "count": self.count, "nulls": self.nulls}
        if self.counts is not None:
            out["distinct"] = len(self.counts)
            out["distinctExact"] = True
        elif len(self.kmv) < KMV_K:
            out["distinct"] = len(self.kmv)
            out["distinctExact"] = True
        else:
            kth = heapq.nsmallest(KMV_K, self.kmv)[-1]
            out["distinct"] = int(round((KMV_K - 1) / ((kth - _HASH_MIN + 1) / float(_HASH_SPAN))))
            out["distinctExact"] = False
        if self.kind == "number" and self.count:
            out["integer"] = self.integer
            out["min"] = self.lo
            out["max"] = self.hi
            out["mean"] = math.fsum(self.total) / self.count
            out["quantiles"] = _quantiles(sorted(self.sample))
            out["sampled"] = self.stride > 1
        if self.counts is not None:
            top = self.counts.most_common(TOP_CATEGORIES)
            out["top"] = [[_key_text(value), n] for value, n in top]
            out["otherCount"] = self.count - sum(n for _, n in top)
        return _finite(out)


def _key_text(value):
    return value if isinstance(value, str) else repr(value)


def _finite(obj):
    """NaN/inf become the strings the store uses for them (JSON has no such numbers)."""
    for k, v in list(obj.items()):
        if isinstance(v, float) and not math.isfinite(v):
            obj[k] = _util.json_number(v)
        elif isinstance(v, list) and v and isinstance(v[0], float):
            obj[k] = [x if math.isfinite(x) else _util.json_number(x) for x in v]
    return obj


def _quantiles(values):
    if not values:
        return []
    n = len(values)
    out = []
    for i in range(QUANTILES):
        pos = i * (n - 1) / (QUANTILES - 1)
        j = int(pos)
        frac = pos - j
        v = values[j] if frac == 0 or j + 1 >= n else values[j] + (values[j + 1] - values[j]) * frac
        out.append(v)
    return out


# ------------------------------------------------------------------------------------------------ reading


def line_blocks(read, on_block, block_bytes=None):
    """Lists of whole lines (ends kept) of a binary file, one list per block read.

    read(n) returns up to n bytes; on_block(bytes) sees every byte (hashing). Lines end at \\n, \\r or \\r\\n, as
    a text file opened with newline="" cuts them (so csv sees the same lines); the last line of a block is carried
    into the next unless it is complete (a block ending in \\r may continue with \\n, so that line is carried too).
    UTF-8 is decoded incrementally (a character cut by the block boundary is completed by the next block); invalid
    bytes become U+FFFD.
    """
    block_bytes = block_bytes or BLOCK_BYTES
    decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
    carry = ""
    while True:
        block = read(block_bytes)
        if not block:
            break
        on_block(block)
        text = decode(block)
        if carry:
            text = carry + text
        if _needs_universal_split(text):
            lines = _universal_lines(text)
        else:
            lines = text.splitlines(True)
        if lines and lines[-1][-1:] != "\n":
            carry = lines.pop()  # incomplete, or ends in \r that a \n in the next block may complete
        else:
            carry = ""
        if lines:
            yield lines
    text = carry + decode(b"", True)
    if text:
        yield _universal_lines(text) if _needs_universal_split(text) else text.splitlines(True)


# str.splitlines also cuts at \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029, which csv (and a text file read with
# newline="") treats as ordinary characters; a block holding any of them is cut at \r and \n only (rare: slower)
_OTHER_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _needs_universal_split(text):
    for ch in _OTHER_BREAKS:
        if ch in text:
            return True
    return False


def _universal_lines(text):
    import io

    return list(io.StringIO(text, newline=""))


def profile_csv(read, on_block, delimiter, fmt):
    """The profile of a CSV/TSV file (docs/datasets.md), reading every byte through read/on_block."""
    gc_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived rows and no reference cycles: collections would only cost time
    try:
        return _profile_csv(read, on_block, delimiter, fmt)
    finally:
        if gc_enabled:
            gc.enable()


def _profile_csv(read, on_block, delimiter, fmt):
    blocks = line_blocks(read, on_block)
    reader = csv.reader(itertools.chain.from_iterable(blocks), delimiter=delimiter)
    profile = {"format": fmt, "rows": 0, "malformedRows": 0, "malformedExamples": [], "columns": []}
    try:
        header = next(reader, None)
        if header is None:
            return profile
        width = len(header)
        columns = [Column(name) for name in _unique_names(header)]
        rows = 0
        records = 0
        malformed = 0
        examples = profile["malformedExamples"]
        while True:
            batch = list(itertools.islice(reader, ROWS_PER_CHUNK))
            if not batch:
                break
            widths = set(map(len, batch))
            if widths != {width}:
                # ragged rows (rare): leave them out and count them; a blank line ([]) is neither a row nor malformed
                good = []
                for i, r in enumerate(batch):
                    if len(r) == width:
                        good.append(r)
                    elif r:
                        malformed += 1
                        if len(examples) < MALFORMED_EXAMPLES:
                            examples.append(records + i + 2)  # the line, when records are one line each
            else:
                good = batch
            records += len(batch)
            rows += len(good)
            if good:
                for col, values in zip(columns, zip(*good)):
                    col.add_text(values)
    except csv.Error as e:
        profile["error"] = "cannot parse after line %d: %s; the profile stops before it" % (reader.line_num, e)
        for _ in blocks:  # the rest still counts for the digest
            pass
    else:
        for _ in blocks:
            pass
    profile["rows"] = rows
    profile["malformedRows"] = malformed
    profile["columns"] = [c.result() for c in columns]
    return profile


def _unique_names(header):
    seen = collections.Counter()
    names = []
    for i, name in enumerate(header):
        name = name or "column_%d" % (i + 1)
        seen[name] += 1
        names.append(name if seen[name] == 1 else "%s_%d" % (name, seen[name]))
    return names


def profile_jsonl(read, on_block):
    """The profile of a JSON Lines file. Each line is parsed by json.loads (one C call per line); the values of a
    column are then summarised like CSV columns."""
    profile = {"format": "jsonl", "rows": 0, "malformedRows": 0, "malformedExamples": [], "columns": []}
    columns = {}
    line_no = 0
    loads = json.loads
    for lines in line_blocks(read, on_block):
        docs = []
        for line in lines:
            line_no += 1
            if line.isspace():
                continue
            try:
                doc = loads(line)
            except ValueError:
                doc = None
            if type(doc) is not dict:
                profile["malformedRows"] += 1
                if len(profile["malformedExamples"]) < MALFORMED_EXAMPLES:
                    profile["malformedExamples"].append(line_no)
                continue
            docs.append(doc)
        for doc in docs:
            for key in doc:
                if key not in columns:
                    col = Column(key)
                    col.nulls = profile["rows"]  # absent in the rows before
                    columns[key] = col
        profile["rows"] += len(docs)
        for key, col in columns.items():
            _add_json_values(col, list(map(dict.get, docs, itertools.repeat(key, len(docs)))))
    profile["columns"] = [c.result() for c in columns.values()]
    return profile


def _add_json_values(col, values):
    nulls = values.count(None)
    present = [v for v in values if v is not None] if nulls else values
    col.nulls += nulls
    col.count += len(present)
    if not present:
        return
    types = set(map(type, present))
    if types <= {int, float} and col.kind in (None, "number"):
        col.kind = "number"
        col.integer = col.integer and types == {int}
        col.add_numbers(present)
        keys = None
        if col.counts is not None:
            keys = list(map(repr, present))
        else:
            col.add_hashes(_kmv_hashes(present, True))
    elif types == {bool} and col.kind in (None, "boolean"):
        col.kind = "boolean"
        keys = ["true" if v else "false" for v in present]
    elif types == {str} and col.kind in (None, "string"):
        col.kind = "string"
        keys = present
    else:
        if col.kind == "number":
            col.drop_numbers()
        col.kind = "string"
        keys = [v if isinstance(v, str) else json.dumps(v, sort_keys=True) for v in present]
    if keys is not None:
        if col.counts is not None:
            col.add_keys(keys)
        else:
            col.add_hashes(_kmv_hashes(keys, False))
