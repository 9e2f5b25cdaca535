"""The block-wise tabular profiler (_tabular.py): block boundaries never cut a line, a quoted field or a character;
ragged rows are counted; the profile equals the one of a plain csv.reader over the whole file."""

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from .helpers import clean_env  # (puts src/python first on sys.path)

from runlog import _datasets, _tabular  # noqa: E402


def profile_bytes(data, fmt="csv", block=None):
    """(profile, sha256 hex) of data read in blocks of `block` bytes."""
    f = io.BytesIO(data)
    h = hashlib.sha256()
    with mock.patch.object(_tabular, "BLOCK_BYTES", block or _tabular.BLOCK_BYTES):
        if fmt == "jsonl":
            prof = _tabular.profile_jsonl(f.read, h.update)
        else:
            prof = _tabular.profile_csv(f.read, h.update, "\t" if fmt == "tsv" else ",", fmt)
    return prof, h.hexdigest()


def columns(prof):
    return {c["name"]: c for c in prof["columns"]}


class BlockBoundaryTest(unittest.TestCase):
    def test_a_multi_line_quoted_field_across_a_block_boundary_is_one_field(self):
        head = "id,text,n\n1,plain,10\n"
        quoted = '2,"first line\nsecond, with comma\r\nthird ""quoted""",20\n'
        data = (head + quoted + "3,after,30\n").encode()
        boundary = len(head) + quoted.index("second")  # the block ends inside the quoted field
        for block in (boundary, boundary - 3, 7, 1):
            prof, digest = profile_bytes(data, block=block)
            self.assertEqual(digest, hashlib.sha256(data).hexdigest())
            self.assertEqual((prof["rows"], prof["malformedRows"]), (3, 0), "block %d" % block)
            cols = columns(prof)
            self.assertEqual((cols["n"]["type"], cols["n"]["min"], cols["n"]["max"]), ("number", 10, 30))
            self.assertEqual((cols["n"]["mean"], cols["id"]["max"]), (20, 3))
            self.assertEqual(cols["text"]["distinct"], 3)
            self.assertIn(['first line\nsecond, with comma\r\nthird "quoted"', 1], cols["text"]["top"])

    def test_crlf_and_multibyte_characters_cut_by_a_block_boundary(self):
        data = "name,v\r\nzoë,1\r\n日本,2\r\n".encode()
        for block in range(1, len(data) + 1):
            prof, _ = profile_bytes(data, block=block)
            self.assertEqual((prof["rows"], prof["malformedRows"]), (2, 0), "block %d" % block)
            self.assertEqual(sorted(v for v, _ in columns(prof)["name"]["top"]), ["zoë", "日本"])

    def test_the_profile_matches_a_plain_csv_reader_whatever_the_block_size(self):
        lines = ["a,b,c"] + ['%d,"x%d\ny",%s' % (i, i % 3, "" if i % 4 == 0 else i * 0.5) for i in range(3000)]
        data = ("\n".join(lines) + "\n").encode()
        rows = list(csv.reader(io.StringIO(data.decode(), newline="")))[1:]
        whole, _ = profile_bytes(data, block=1 << 24)
        self.assertEqual(whole["rows"], len(rows))
        for block in (64, 1000, 4097):
            prof, _ = profile_bytes(data, block=block)
            self.assertEqual(prof, whole, "block %d" % block)
        c = columns(whole)["c"]
        present = [float(r[2]) for r in rows if r[2]]
        self.assertEqual((c["nulls"], c["count"]), (len(rows) - len(present), len(present)))
        self.assertAlmostEqual(c["mean"], sum(present) / len(present))

    def test_form_feed_and_other_unicode_breaks_stay_inside_fields(self):
        data = "a,b\nx\x0cy,1\nu\u2028v,2\n".encode()
        prof, _ = profile_bytes(data, block=5)
        self.assertEqual((prof["rows"], prof["malformedRows"]), (2, 0))
        self.assertEqual(sorted(v for v, _ in columns(prof)["a"]["top"]), ["u\u2028v", "x\x0cy"])

    def test_a_last_line_without_newline_is_a_row(self):
        prof, _ = profile_bytes(b"a,b\n1,2\n3,4", block=3)
        self.assertEqual(prof["rows"], 2)
        self.assertEqual(columns(prof)["a"]["max"], 3)


class RaggedRowsTest(unittest.TestCase):
    def test_ragged_rows_are_counted_with_their_lines_and_left_out(self):
        data = b"a,b\n1,2\n3\n\n4,5\n6,7,8\n9,10\n"
        for block in (2, 1 << 20):
            prof, _ = profile_bytes(data, block=block)
            self.assertEqual((prof["rows"], prof["malformedRows"], prof["malformedExamples"]), (3, 2, [3, 6]))
            self.assertEqual(columns(prof)["b"]["max"], 10)

    def test_ragged_rows_across_chunks_keep_their_line_numbers(self):
        lines = ["a,b"] + ["%d,%d" % (i, i) for i in range(5000)]
        lines[3000] = "oops"
        with mock.patch.object(_tabular, "ROWS_PER_CHUNK", 700):
            prof, _ = profile_bytes(("\n".join(lines) + "\n").encode(), block=999)
        self.assertEqual((prof["rows"], prof["malformedRows"], prof["malformedExamples"]), (4999, 1, [3001]))

    def test_a_field_over_the_csv_limit_is_reported_and_the_file_still_hashed(self):
        data = b"a,b\n1,2\n3,\"" + b"x" * (csv.field_size_limit() + 10) + b"\n4,5\n"
        prof, digest = profile_bytes(data, block=4096)
        self.assertEqual(digest, hashlib.sha256(data).hexdigest())
        self.assertIn("cannot parse after line 3: field larger than field limit", prof["error"])
        self.assertEqual([c["name"] for c in prof["columns"]], ["a", "b"])


class ColumnStatisticsTest(unittest.TestCase):
    def test_types_nulls_and_the_integer_flag(self):
        data = b"i,f,s,e,mixed\n1,1.5,a,,1\n2,,b,,2\n3,2.5,a,,x\n"
        cols = columns(profile_bytes(data)[0])
        self.assertEqual([cols[k]["type"] for k in "ifse"] + [cols["mixed"]["type"]],
                         ["number", "number", "string", "empty", "string"])
        self.assertEqual((cols["i"]["integer"], cols["f"]["integer"], cols["f"]["nulls"]), (True, False, 1))
        self.assertEqual((cols["e"]["nulls"], cols["e"]["count"]), (3, 0))
        self.assertNotIn("min", cols["mixed"])

    def test_distinct_estimates_of_numbers_and_text(self):
        n = 60000
        data = "".join(["i,x,t\n"] + ["%d,%.3f,w%d\n" % (k, k / 7, k * 7919 % n) for k in range(n)]).encode()
        cols = columns(profile_bytes(data)[0])
        for name in "ixt":
            self.assertFalse(cols[name]["distinctExact"])
            self.assertLess(abs(cols[name]["distinct"] - n) / n, 0.1, name)

    def test_number_estimates_are_the_same_in_every_process(self):
        # numbers are hashed without the per-process salt of str hashes
        script = ("import io,sys; from runlog import _tabular as t; d=''.join(['i\\n']+['%d\\n'%k for k in range(20000)])"
                  ".encode(); p=t.profile_csv(io.BytesIO(d).read, len, ',', 'csv'); print(p['columns'][0]['distinct'])")
        outs = set()
        for seed in ("1", "2", "3"):
            env = dict(clean_env(), PYTHONHASHSEED=seed)
            outs.add(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                                    timeout=60, check=True).stdout.strip())
        self.assertEqual(len(outs), 1, outs)
        self.assertLess(abs(int(outs.pop()) - 20000) / 20000, 0.1)


class JsonLinesTest(unittest.TestCase):
    def test_jsonl_across_blocks(self):
        data = b'{"a": 1, "b": "x"}\n{"a": 2.5, "b": null}\nnope\n\n{"a": 4, "c": true}\n'
        for block in (3, 1 << 20):
            prof, _ = profile_bytes(data, "jsonl", block)
            self.assertEqual((prof["rows"], prof["malformedRows"], prof["malformedExamples"]), (3, 1, [3]))
            cols = columns(prof)
            self.assertEqual((cols["a"]["min"], cols["a"]["max"], cols["a"]["integer"]), (1, 4, False))
            self.assertEqual((cols["b"]["nulls"], cols["c"]["nulls"], cols["c"]["type"]), (2, 2, "boolean"))


class CsvErrorIsAProblemTest(unittest.TestCase):
    def test_version_reports_an_unparsable_csv_and_keeps_its_digest(self):
        tmp = tempfile.mkdtemp(prefix="runlog-tabular-test-")
        self.addCleanup(shutil.rmtree, tmp, True)
        data = b"a\n\"" + b"y" * (csv.field_size_limit() + 1) + b"\n"
        path = os.path.join(tmp, "t.csv")
        with open(path, "wb") as f:
            f.write(data)
        record = _datasets.version(path, os.path.join(tmp, ".runlog"))
        self.assertEqual(record["digest"], "sha256:" + hashlib.sha256(data).hexdigest())
        self.assertTrue(any("cannot parse after line" in p["problem"] for p in record["problems"]))


def sampled(data, mode="sample", block=8, head_blocks=2, sample_blocks=4):
    """(profile, sha256 hex) with tiny blocks and sample budgets, so a few hundred bytes exercise the sampler."""
    f = io.BytesIO(data)
    h = hashlib.sha256()
    with mock.patch.multiple(_tabular, BLOCK_BYTES=block, SAMPLE_HEAD_BYTES=block * head_blocks,
                             SAMPLE_BYTES=block * sample_blocks):
        prof = _tabular.profile_csv(f.read, h.update, ",", "csv", mode, len(data))
    return prof, h.hexdigest()


class SampledProfileTest(unittest.TestCase):
    """Over the threshold: every byte hashed, the row count exact, the column statistics from sampled records."""

    def assert_rows_exact(self, data, rows, blocks=(1, 2, 3, 5, 8, 13, 64)):
        for block in blocks:
            prof, digest = sampled(data, block=block)
            self.assertEqual(digest, hashlib.sha256(data).hexdigest(), "block %d" % block)
            self.assertEqual(prof["rows"], rows, "block %d" % block)
            self.assertEqual(prof["sample"]["method"], "blocks")
            full, full_digest = sampled(data, "full", block)
            self.assertEqual((full["rows"], full_digest), (rows, digest))
            self.assertNotIn("sample", full)

    def test_quoted_multi_line_fields_across_block_boundaries_count_once(self):
        lines = ["id,text,n"] + ['%d,"line %d\nnext ""q"" \r\n\nend",%d' % (i, i, i) if i % 3 == 0 else
                                 "%d,plain %d,%d" % (i, i, i) for i in range(40)]
        self.assert_rows_exact(("\n".join(lines) + "\n").encode(), 40)

    def test_crlf_no_final_newline_and_blank_lines(self):
        self.assert_rows_exact(b"a,b\r\n1,2\r\n\r\n3,4\r\n5,6", 3)
        self.assert_rows_exact(b"a,b\n1,2\n\n\n3,4\n", 2)

    def test_header_only_and_empty_files(self):
        for data in (b"a,b,c\n", b"a,b,c"):
            prof, _ = sampled(data)
            self.assertEqual((prof["rows"], [c["name"] for c in prof["columns"]]), (0, ["a", "b", "c"]))
        prof, _ = sampled(b"")
        self.assertEqual((prof["rows"], prof["columns"]), (0, []))

    def test_statistics_come_from_whole_records_of_the_sampled_blocks(self):
        lines = ["id,x,label"] + ["%d,%s,%s" % (i, "" if i % 10 == 0 else i * 0.5, "abc"[i % 3]) for i in range(5000)]
        data = ("\n".join(lines) + "\n").encode()
        prof, _ = sampled(data, block=4096, head_blocks=2, sample_blocks=6)
        self.assertEqual(prof["rows"], 5000)
        sample = prof["sample"]
        self.assertLess(sample["rows"], 5000)
        self.assertGreater(sample["rows"], 1500)
        self.assertLessEqual(sample["bytes"], 6 * 4096)
        cols = columns(prof)
        # every sampled record was parsed whole: no malformed rows, labels only a/b/c, counts add up to the sample
        self.assertEqual(prof["malformedRows"], 0)
        self.assertEqual(sorted(v for v, _ in cols["label"]["top"]), ["a", "b", "c"])
        self.assertEqual(cols["x"]["count"] + cols["x"]["nulls"], sample["rows"])
        self.assertAlmostEqual(cols["x"]["nulls"] / sample["rows"], 0.1, delta=0.01)
        self.assertEqual(cols["id"]["min"], 0)  # the head is sampled from the first record
        self.assertGreater(cols["id"]["max"], 4000)  # and blocks through the rest of the file

    def test_a_small_file_is_sampled_whole_and_matches_the_exact_profile(self):
        data = b"a,b\n1,x\n2,\n3,y\n"
        prof, _ = sampled(data, block=1 << 20)
        full, _ = sampled(data, "full")
        self.assertEqual(prof["sample"], {"rows": 3, "bytes": len(data), "method": "blocks"})
        del prof["sample"]
        self.assertEqual(prof, full)

    def test_malformed_rows_are_counted_in_the_sample(self):
        prof, _ = sampled(b"a,b\n1,2\n3\n4,5\n", block=1 << 20)
        self.assertEqual((prof["rows"], prof["malformedRows"], prof["malformedExamples"]), (2, 1, [3]))

    def test_a_stray_quote_that_throws_the_count_off_is_reported(self):
        prof, _ = sampled(b'a,b\n1,5"\n2,3\n4,5\n', block=1 << 20)
        self.assertIn("row count may be inexact", prof["error"])
        prof, _ = sampled(b'a,b\n1,"5 ""x"""\n2,3\n', block=1 << 20)
        self.assertEqual((prof["rows"], prof.get("error")), (2, None))

    def test_auto_samples_only_over_the_threshold(self):
        data = b"a\n" + b"1\n" * 100
        with mock.patch.object(_tabular, "SAMPLE_ABOVE_BYTES", len(data)):
            self.assertNotIn("sample", _tabular.profile_csv(io.BytesIO(data).read, len, ",", "csv", "auto", len(data)))
        with mock.patch.object(_tabular, "SAMPLE_ABOVE_BYTES", len(data) - 1):
            self.assertIn("sample", _tabular.profile_csv(io.BytesIO(data).read, len, ",", "csv", "auto", len(data)))
        with self.assertRaises(ValueError):
            _tabular.profile_csv(io.BytesIO(data).read, len, ",", "csv", "most", len(data))


class SampledVersionTest(unittest.TestCase):
    """version(), log_dataset and the CLI: auto samples large files, profile="full" gives the exact profile."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="runlog-sampled-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.path = os.path.join(self.tmp, "big.csv")
        with open(self.path, "wb") as f:
            f.write(b"id,v\n" + b"".join(b'%d,"v\n%d"\n' % (i, i % 7) for i in range(20000)))
        patch = mock.patch.multiple(_tabular, SAMPLE_ABOVE_BYTES=100 << 10, BLOCK_BYTES=16 << 10,
                                    SAMPLE_HEAD_BYTES=32 << 10, SAMPLE_BYTES=64 << 10)
        patch.start()
        self.addCleanup(patch.stop)

    def test_auto_samples_full_is_exact_and_the_digest_is_the_same(self):
        store = os.path.join(self.tmp, ".runlog")
        auto = _datasets.version(self.path, store)
        prof = auto["profiles"]["big.csv"]
        self.assertEqual(prof["rows"], 20000)
        self.assertLess(prof["sample"]["rows"], 20000)
        full = _datasets.version(self.path, store, profile="full")  # the cached sampled profile does not do
        self.assertEqual(full["digest"], auto["digest"])
        self.assertEqual(full["profiles"]["big.csv"]["rows"], 20000)
        self.assertNotIn("sample", full["profiles"]["big.csv"])
        stored = _datasets._util.read_json(_datasets.record_path(store, full["digest"][len("sha256:"):]))
        self.assertNotIn("sample", stored["profiles"]["big.csv"])  # the exact profile replaced the sampled one
        with self.assertRaises(ValueError):
            _datasets.version(self.path, store, profile="fast")

    def test_entry_for_run_passes_the_mode(self):
        store = os.path.join(self.tmp, ".runlog")
        _datasets.entry_for_run(self.path, "big", "train", store, profile="full")
        record = _datasets._util.read_json(os.path.join(_datasets.versions_dir(store), os.listdir(
            _datasets.versions_dir(store))[0]))
        self.assertNotIn("sample", record["profiles"]["big.csv"])
        with self.assertRaises(ValueError):
            _datasets.entry_for_run(self.path, "big", "train", store, profile="exact")

    def test_cli_profile_option(self):
        out = io.StringIO()
        err = io.StringIO()
        with mock.patch("sys.stdout", out), mock.patch("sys.stderr", err):
            self.assertEqual(_datasets.cli(["version", self.path, "--profile", "bogus"], lambda: self.tmp), 2)
            self.assertIn("--profile needs one of auto, full, sample", err.getvalue())
            store = os.path.join(self.tmp, "s")
            self.assertEqual(_datasets.cli(["version", self.path, "--store", store, "--profile", "sample"], None), 0)
        digest = json.loads(out.getvalue())["digest"]
        record = _datasets._util.read_json(_datasets.record_path(store, digest[len("sha256:"):]))
        self.assertEqual(record["profiles"]["big.csv"]["rows"], 20000)
        self.assertIn("sample", record["profiles"]["big.csv"])


if __name__ == "__main__":
    unittest.main()
