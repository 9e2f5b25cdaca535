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
import re

from . import _util

BLOCK_BYTES = 4 << 20
ROWS_PER_CHUNK = 1024  # small enough that a chunk's cells stay in the CPU cache between the passes over it
SAMPLE_TARGET = 8192  # values kept per numeric column for its quantiles (all of them when there are fewer)
CATEGORY_CAP = 2000  # a column with more distinct values keeps no category counts (only a distinct estimate)
TOP_CATEGORIES = 50
KMV_K = 2048  # k-minimum-values sketch size: distinct estimates within a few %
QUANTILES = 101  # 0th..100th percentile
MALFORMED_EXAMPLES = 5
PROFILE_MODES = ("auto", "full", "sample")
# Larger CSV/TSV files get an exact row count and digest but statistics of a sample (profile="auto"): exact statistics
# of every cell cost 3-5x the parse in CPython (docs/datasets.md, "Speed"); the sample keeps 1 GB near the parse's cost.
SAMPLE_ABOVE_BYTES = 256 << 20
SAMPLE_BYTES = 192 << 20  # the bytes profiled of a larger file: its first SAMPLE_HEAD_BYTES, then evenly spaced blocks
SAMPLE_HEAD_BYTES = 32 << 20
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


def profile_csv(read, on_block, delimiter, fmt, mode="auto", size=None):
    """The profile of a CSV/TSV file (docs/datasets.md), reading every byte through read/on_block.

    mode "full": exact statistics of every row; "sample": exact row count, statistics of a sample of blocks
    (_sampled_csv); "auto": sampled when size (the file's size in bytes) is over SAMPLE_ABOVE_BYTES.
    """
    if mode not in PROFILE_MODES:
        raise ValueError("profile must be one of %s, got %r" % (", ".join(PROFILE_MODES), mode))
    sample = mode == "sample" or (mode == "auto" and size is not None and size > SAMPLE_ABOVE_BYTES)
    gc_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived rows and no reference cycles: collections would only cost time
    try:
        if sample:
            return _sampled_csv(read, on_block, delimiter, fmt, size)
        return _profile_csv(read, on_block, delimiter, fmt)
    finally:
        if gc_enabled:
            gc.enable()


class _Rows:
    """Column statistics of parsed records: rows of the header's width are summarised a chunk at a time; other
    non-blank records are malformed (counted, the first few line numbers kept while they are known)."""

    def __init__(self, header):
        self.width = len(header)
        self.columns = [Column(name) for name in _unique_names(header)]
        self.rows = 0
        self.records = 0
        self.malformed = 0
        self.examples = []

    def feed(self, reader, line_base=None):
        """Consumes reader; line_base: the line number of its first record minus 2 (None: line numbers unknown)."""
        width, columns, examples = self.width, self.columns, self.examples
        first = self.records
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
                        self.malformed += 1
                        if line_base is not None and len(examples) < MALFORMED_EXAMPLES:
                            # the line, when records are one line each
                            examples.append(line_base + self.records - first + i + 2)
            else:
                good = batch
            self.records += len(batch)
            self.rows += len(good)
            if good:
                for col, values in zip(columns, zip(*good)):
                    col.add_text(values)


def _profile_csv(read, on_block, delimiter, fmt):
    blocks = line_blocks(read, on_block)
    reader = csv.reader(itertools.chain.from_iterable(blocks), delimiter=delimiter)
    profile = {"format": fmt, "rows": 0, "malformedRows": 0, "malformedExamples": [], "columns": []}
    rows = None
    try:
        header = next(reader, None)
        if header is None:
            return profile
        rows = _Rows(header)
        rows.feed(reader, 0)
    except csv.Error as e:
        profile["error"] = "cannot parse after line %d: %s; the profile stops before it" % (reader.line_num, e)
        for _ in blocks:  # the rest still counts for the digest
            pass
    else:
        for _ in blocks:
            pass
    if rows is not None:
        profile["rows"] = rows.rows
        profile["malformedRows"] = rows.malformed
        profile["malformedExamples"] = rows.examples
        profile["columns"] = [c.result() for c in rows.columns]
    return profile


# ------------------------------------------------------------------------------------------ sampled profile


def _sample_plan(size):
    """The indices of the blocks whose records are profiled: the first SAMPLE_HEAD_BYTES, then blocks evenly
    spaced through the rest, SAMPLE_BYTES in all (every block when the file is not larger than that)."""
    blocks = -(-size // BLOCK_BYTES)
    head = min(blocks, max(1, SAMPLE_HEAD_BYTES // BLOCK_BYTES))
    spaced = max(0, SAMPLE_BYTES // BLOCK_BYTES - head)
    rest = blocks - head
    if rest <= spaced:
        return set(range(blocks))
    return set(range(head)) | {head + (2 * j + 1) * rest // (2 * spaced) for j in range(spaced)}


def _blank_lines(data):
    """Empty lines (\\n followed by \\n or \\r\\n) in bytes outside quotes: csv yields no row for them."""
    return len(_BLANK.findall(data))


_BLANK = re.compile(rb"\n(?=\r?\n)")


_NOT_QUOTE_OR_NEWLINE = bytes(b for b in range(256) if b not in b'"\n')


def _newlines_outside_quotes(block, inside):
    """The \\n of block outside quoted fields (inside: whether it starts inside one).

    Only '"' and \\n matter, so the others are deleted first (bytes.translate, C), and then every pair of adjacent
    quotes (a quoted field without a newline, or an escaped ""): removing two adjacent quotes changes no other
    character's quote parity. What is left is \\n and the quotes around newlines in quoted fields, split at them.
    """
    compact = block.translate(None, _NOT_QUOTE_OR_NEWLINE)
    if inside:
        compact = b'"' + compact  # the quote that opened the field, so the block starts outside
    compact = compact.replace(b'""', b"")
    if b'"' not in compact:
        return compact.count(b"\n")
    return sum(map(bytes.count, compact.split(b'"')[0::2], itertools.repeat(b"\n")))


def _first_newline(parts, inside):
    """The offset in the block of its first \\n outside quotes (parts: the block split at '"'), or -1."""
    offset = 0
    for i, part in enumerate(parts):
        if (i & 1) == inside:  # outside quotes
            k = part.find(b"\n")
            if k >= 0:
                return offset + k
        offset += len(part) + 1
    return -1


def _last_newline(parts, inside, length):
    offset = length + 1
    for i in range(len(parts) - 1, -1, -1):
        offset -= len(parts[i]) + 1
        if (i & 1) == inside:
            k = parts[i].rfind(b"\n")
            if k >= 0:
                return offset + k
    return -1


def _sampled_csv(read, on_block, delimiter, fmt, size):
    """Exact row count and digest, statistics of a sample of whole records (docs/datasets.md, "Large files").

    Every block is hashed and its records counted in C: the \\n outside quotes, found by the parity of the '"'
    characters since the start of the file (an escaped "" keeps the parity). A block with no '"' that starts outside
    quotes contributes bytes.count(b"\\n"); in a block with quotes, the \\n outside its quoted parts are
    counted. Blank lines are subtracted (csv yields no row for them). The sampled blocks are cut to whole records at
    their first and last \\n outside quotes (consecutive sampled blocks are joined: no record is lost between them)
    and parsed with csv.reader; a sampled block that starts inside a quoted field starts at its first record end.
    """
    profile = {"format": fmt, "rows": 0, "malformedRows": 0, "malformedExamples": [], "columns": []}
    first = read(BLOCK_BYTES)
    if size is None or (first and first.count(b"\r") - first.endswith(b"\r") > first.count(b"\r\n")):
        # records that end in a bare \r are not counted by \n: such files (and streams of unknown size) get the
        # exact profile
        pushed = [first]
        return _profile_csv(lambda n: pushed.pop() if pushed else read(n), on_block, delimiter, fmt)
    plan = _sample_plan(size)
    rows = None
    inside = 0  # 1 while the bytes read so far end inside a quoted field
    newlines = blanks = 0
    tail = b""  # the last two bytes read, when they end outside quotes
    pending = None  # the bytes after the last record end of the previous block, when it was sampled
    chain = 0
    sampled_bytes = 0
    parse_error = None
    last = b""
    index = 0
    block = first
    while block:
        on_block(block)
        quotes = block.count(b'"')
        if quotes or inside:
            newlines += _newlines_outside_quotes(block, inside)
            parts = None  # split at the quotes only where positions or blank lines are needed (the split is slower)
            if b"\n\n" in block or b"\n\r\n" in block:
                parts = block.split(b'"')
                blanks += sum(map(_blank_lines, parts[inside::2]))
        else:
            parts = None
            newlines += block.count(b"\n")
            if b"\n\n" in block or b"\n\r\n" in block:
                blanks += _blank_lines(block)
        if tail and not inside and block[:1] in (b"\n", b"\r"):
            # an empty line across the block boundary (its first \n in the previous block)
            blanks += _blank_lines(tail + block[:2]) - _blank_lines(tail) - _blank_lines(block[:2])
        if index not in plan and not (rows is None and chain == 0 and pending is not None):  # (the header is read)
            pending = None
        else:
            if pending is None:
                chain = index  # the block where the records now profiled start
            if parts is None and (quotes or inside):
                parts = block.split(b'"')
            if pending is not None or index == 0:
                start = 0
            else:
                start = (block.find(b"\n") if parts is None else _first_newline(parts, inside)) + 1
            if start == 0 and pending is None and index:
                pass  # no record ends outside quotes in this block: it starts none
            else:
                end = (block.rfind(b"\n") if parts is None else _last_newline(parts, inside, len(block))) + 1
                if end > start:
                    region = pending + block[start:end] if pending else block[start:end]
                    at_start = rows is None and chain == 0
                    rows, parse_error = _profile_region(region, rows, delimiter, at_start, parse_error)
                    sampled_bytes += len(region)
                    pending = block[end:]
                else:
                    pending = (pending or b"") + block[start:]  # no record ends here: continue in the next block
        end_inside = inside ^ (quotes & 1)
        tail = (tail + block[-2:])[-2:] if not end_inside else b""
        inside = end_inside
        last = block[-1:]
        index += 1
        block = read(BLOCK_BYTES)
    if pending:  # the last record, without a final newline
        rows, parse_error = _profile_region(pending, rows, delimiter, rows is None and chain == 0, parse_error)
        sampled_bytes += len(pending)
    if rows is None:
        return profile
    records = newlines + (1 if last and last != b"\n" else 0)
    profile["rows"] = max(0, records - 1 - blanks - rows.malformed)
    profile["malformedRows"] = rows.malformed
    profile["malformedExamples"] = rows.examples
    profile["columns"] = [c.result() for c in rows.columns]
    profile["sample"] = {"rows": rows.rows, "bytes": sampled_bytes, "method": "blocks"}
    if parse_error:
        profile["error"] = parse_error
    return profile


def _profile_region(region, rows, delimiter, at_start, parse_error):
    """Feeds the whole records of region (bytes) to rows (made from the header when at_start)."""
    text = region.decode("utf-8", "replace")
    lines = _universal_lines(text) if _needs_universal_split(text) else text.splitlines(True)
    reader = csv.reader(lines, delimiter=delimiter)
    before = rows.records if rows is not None and not at_start else 0
    try:
        if at_start:
            header = next(reader, None)
            if header is None:
                return rows, parse_error
            rows = _Rows(header)
            rows.feed(reader, 0)
        elif rows is not None:  # (None: the header was not parsed, e.g. a csv.Error in it)
            # line numbers of malformed rows are known in the head only (before any record was skipped)
            rows.feed(reader, None)
        else:
            return rows, parse_error
    except csv.Error as e:
        return rows, parse_error or "cannot parse a sampled block (%s); its remaining records are left out of the " \
            "statistics" % e
    if not parse_error and (b'"' in region or region.count(b"\r") != region.count(b"\r\n")):
        # the row count relies on '"' pairing up around quoted fields and on records ending in \n; check both where
        # csv parsed the records (a '"' inside an unquoted field, or a bare \r line end, would throw it off)
        counted = sum(map(bytes.count, region.split(b'"')[0::2], itertools.repeat(b"\n")))
        counted += region[-1:] != b"\n"
        if counted != rows.records - before + at_start:
            parse_error = "the row count may be inexact: the quotes or line ends of this file are irregular (a '\"' " \
                "inside an unquoted field, or lines ending in a bare carriage return); profile=\"full\" counts exactly"
    return rows, parse_error


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
