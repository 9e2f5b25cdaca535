"""Dataset versions (_datasets.py): digests, manifests, the stat cache, profiles, changes while reading, the CLI."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

from .helpers import clean_env  # (puts src/python first on sys.path)

import runlog  # noqa: E402
from runlog import _datasets  # noqa: E402


def write(path, content, age=3600):
    """Writes a file and dates it `age` seconds back (recent files are deliberately not trusted to the stat cache)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content.encode() if isinstance(content, str) else content)
    t = time.time() - age
    os.utime(path, (t, t))
    return path


def folder_digest(files):
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(("%s\0%s\n" % (rel, hashlib.sha256(files[rel]).hexdigest())).encode())
    return h.hexdigest()


class DatasetsTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="runlog-datasets-test-")
        self.store = os.path.join(self.tmp, ".runlog")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def data(self, files, name="data"):
        root = os.path.join(self.tmp, name)
        for rel, content in files.items():
            write(os.path.join(root, *rel.split("/")), content)
        return root


class DigestTest(DatasetsTestCase):
    def test_file_digest_is_sha256_of_its_bytes_even_across_read_chunks(self):
        content = os.urandom(_datasets.CHUNK_BYTES * 2 + 123)
        path = write(os.path.join(self.tmp, "blob.bin"), content)
        record = _datasets.version(path, self.store)
        self.assertEqual(record["digest"], "sha256:" + hashlib.sha256(content).hexdigest())
        self.assertEqual((record["kind"], record["size"], record["files"]), ("file", len(content), 1))
        self.assertEqual(record["manifest"], [{"path": "blob.bin", "size": len(content),
                                               "digest": hashlib.sha256(content).hexdigest()}])

    def test_folder_digest_is_the_documented_manifest_digest_and_machine_independent(self):
        files = {"b/2.txt": b"two", "a.txt": b"one", "b/1.txt": b"", "z/deep/x.csv": b"x\n1\n"}
        one = self.data(files, "one")
        two = self.data(dict(reversed(list(files.items()))), "two")  # other creation order, other folder
        for rel in files:
            os.utime(os.path.join(two, *rel.split("/")), (1000, 1000))  # other times
        r1 = _datasets.version(one, self.store)
        r2 = _datasets.version(two, os.path.join(self.tmp, "other-store"))
        self.assertEqual(r1["digest"], "sha256:" + folder_digest(files))
        self.assertEqual(r1["digest"], r2["digest"])
        self.assertEqual([m["path"] for m in r1["manifest"]], sorted(files))
        # the same digest as the client always recorded (runs logged before versions were stored stay comparable)
        self.assertEqual(r1["digest"], "sha256:" + runlog._util.digest_path(one)[0])

    def test_the_version_is_saved_whole_in_the_store(self):
        root = self.data({"t.csv": "a\n1\n2\n"})
        record = _datasets.version(root, self.store)
        saved_path = _datasets.record_path(self.store, record["digest"][7:])
        with open(saved_path) as f:
            saved = json.load(f)
        self.assertEqual(saved["manifest"], record["manifest"])
        self.assertEqual(saved["profiles"]["t.csv"]["rows"], 2)
        shutil.rmtree(root)  # the data may go: the record stays
        self.assertTrue(os.path.exists(saved_path))


class StatCacheTest(DatasetsTestCase):
    def test_unchanged_files_are_not_read_again_and_changed_ones_are(self):
        root = self.data({"a.bin": b"aaa", "b.bin": b"bbb", "t.csv": "x\n1\n"})
        first = _datasets.version(root, self.store)
        real = _datasets._hash_and_profile
        with mock.patch.object(_datasets, "_hash_and_profile", side_effect=real) as reads:
            again = _datasets.version(root, self.store)
            self.assertEqual(reads.call_count, 0)
            self.assertEqual(again["digest"], first["digest"])
            self.assertEqual(again["profiles"], first["profiles"])  # from the profile cache
            write(os.path.join(root, "b.bin"), b"changed")
            changed = _datasets.version(root, self.store)
            self.assertEqual([c.args[0] for c in reads.call_args_list], [os.path.join(root, "b.bin")])
        self.assertNotEqual(changed["digest"], first["digest"])

    def test_a_recheck_reads_nothing_and_rewrites_neither_the_record_nor_the_cache(self):
        root = self.data({"a.bin": b"aaa", "sub/b.bin": b"bbb"})
        first = _datasets.version(root, self.store)
        saved = _datasets.record_path(self.store, first["digest"][7:])
        cache = _datasets._cache_path(self.store, root)
        stamps = [os.stat(saved).st_mtime_ns, os.stat(cache).st_mtime_ns]
        for path in (saved, cache):
            os.utime(path, ns=(1, 1))
        with mock.patch.object(_datasets, "_hash_and_profile") as reads:
            again = _datasets.version(root, self.store, manifest=False)
        self.assertEqual(reads.call_count, 0)
        self.assertNotIn("manifest", again)  # not built: the store already holds this version
        self.assertEqual((again["digest"], again["files"], again["size"]), (first["digest"], 2, 6))
        self.assertEqual([os.stat(saved).st_mtime_ns, os.stat(cache).st_mtime_ns], [1, 1], stamps)

    def test_a_damaged_or_foreign_stat_cache_is_ignored_not_trusted(self):
        root = self.data({"a.bin": b"aaa", "b.bin": b"bbb"})
        first = _datasets.version(root, self.store)
        cache = _datasets._cache_path(self.store, root)
        for content in (b"garbage", b"", b"runlog-stat-cache-3\0/elsewhere\0-\0\0a.bin\0(3, 1, 1)\0\0" + b"0" * 64):
            with open(cache, "wb") as f:
                f.write(content)
            real = _datasets._hash_and_profile
            with mock.patch.object(_datasets, "_hash_and_profile", side_effect=real) as reads:
                again = _datasets.version(root, self.store)
            self.assertEqual(reads.call_count, 2)
            self.assertEqual(again["manifest"], first["manifest"])

    def test_a_changed_file_among_unchanged_ones_is_found_through_the_cache(self):
        files = {"d%d/f%d.txt" % (i % 3, i): b"x%d" % i for i in range(50)}
        root = self.data(files)
        _datasets.version(root, self.store)
        write(os.path.join(root, "d1", "f7.txt"), b"other")
        real = _datasets._hash_and_profile
        with mock.patch.object(_datasets, "_hash_and_profile", side_effect=real) as reads:
            record = _datasets.version(root, self.store)
        self.assertEqual([c.args[0] for c in reads.call_args_list], [os.path.join(root, "d1", "f7.txt")])
        files["d1/f7.txt"] = b"other"
        self.assertEqual(record["digest"], "sha256:" + folder_digest(files))

    def test_recently_modified_files_are_not_trusted_to_the_cache(self):
        root = self.data({"a.bin": b"aaa"})
        write(os.path.join(root, "fresh.bin"), b"new", age=0)
        _datasets.version(root, self.store)
        real = _datasets._hash_and_profile
        with mock.patch.object(_datasets, "_hash_and_profile", side_effect=real) as reads:
            _datasets.version(root, self.store)
        self.assertEqual([c.args[0] for c in reads.call_args_list], [os.path.join(root, "fresh.bin")])

    def test_same_size_and_mtime_but_new_inode_is_read_again(self):
        root = self.data({"a.bin": b"aaa"})
        _datasets.version(root, self.store)
        path = os.path.join(root, "a.bin")
        st = os.stat(path)
        os.rename(path, os.path.join(self.tmp, "old.bin"))  # kept, so the new file cannot reuse its inode
        write(path, b"bbb")
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        record = _datasets.version(root, self.store)
        self.assertEqual(record["manifest"][0]["digest"], hashlib.sha256(b"bbb").hexdigest())


class ChangeWhileReadingTest(DatasetsTestCase):
    def test_a_file_changed_while_hashed_is_read_again(self):
        root = self.data({"a.bin": b"x" * 100, "b.bin": b"bbb"})
        path = os.path.join(root, "a.bin")
        real = _datasets._hash_and_profile
        calls = []

        def changing(full, fmt, on_bytes, mode="auto"):
            calls.append(full)
            if len(calls) == 1:
                def on_bytes_then_change(n):
                    on_bytes(n)
                    if os.path.getsize(path) != 120:
                        write(path, b"y" * 120, age=7200)  # rewritten while we read
                return real(full, fmt, on_bytes_then_change, mode)
            return real(full, fmt, on_bytes, mode)

        with mock.patch.object(_datasets, "_hash_and_profile", side_effect=changing):
            record = _datasets.version(root, self.store)
        entry = next(m for m in record["manifest"] if m["path"] == "a.bin")
        self.assertEqual(entry["digest"], hashlib.sha256(b"y" * 120).hexdigest())
        self.assertEqual(record["problems"], [])

    def test_a_file_that_keeps_changing_is_reported_not_recorded_wrong(self):
        root = self.data({"a.bin": b"x" * 100, "b.bin": b"bbb"})
        path = os.path.join(root, "a.bin")
        real = _datasets._hash_and_profile
        n = [0]

        def changing(full, fmt, on_bytes, mode="auto"):
            if full != path:
                return real(full, fmt, on_bytes, mode)

            n[0] += 1
            changed = []

            def on_bytes_then_change(k):
                if not changed:  # once per read
                    changed.append(k)
                    write(path, b"z" * (100 + n[0]), age=7200)
            return real(full, fmt, on_bytes_then_change, mode)

        with mock.patch.object(_datasets, "_hash_and_profile", side_effect=changing):
            record = _datasets.version(root, self.store)
        self.assertEqual([m["path"] for m in record["manifest"]], ["b.bin"])
        self.assertEqual(record["problems"][0]["path"], "a.bin")
        self.assertIn("changed while it was read", record["problems"][0]["problem"])

    def test_a_file_vanishing_mid_read_is_reported(self):
        root = self.data({"a.bin": b"x" * 100, "b.bin": b"bbb"})
        real = _datasets._hash_and_profile

        def vanishing(full, fmt, on_bytes, mode="auto"):
            if full.endswith("a.bin"):
                os.remove(full)
            return real(full, fmt, on_bytes, mode)

        with mock.patch.object(_datasets, "_hash_and_profile", side_effect=vanishing):
            record = _datasets.version(root, self.store)
        self.assertEqual([m["path"] for m in record["manifest"]], ["b.bin"])
        self.assertIn("vanished", record["problems"][0]["problem"])


class BadInputTest(DatasetsTestCase):
    def test_symlink_loops_and_broken_links_are_reported_and_skipped(self):
        root = self.data({"a.txt": "a", "sub/b.txt": "b"})
        os.symlink("..", os.path.join(root, "sub", "up"))
        os.symlink("missing", os.path.join(root, "dangling"))
        record = _datasets.version(root, self.store)
        self.assertEqual([m["path"] for m in record["manifest"]], ["a.txt", "sub/b.txt"])
        problems = {p["path"]: p["problem"] for p in record["problems"]}
        self.assertIn("symlink loop", problems["sub/up"])
        self.assertIn("broken symbolic link", problems["dangling"])

    def test_a_missing_path_is_a_clear_error(self):
        with self.assertRaisesRegex(_datasets.DatasetError, "no such file or folder"):
            _datasets.version(os.path.join(self.tmp, "nope"), self.store)

    def test_malformed_csv_rows_are_counted_not_fatal(self):
        root = self.data({"t.csv": "a,b\n1,2\n3\n\n4,5\n6,7,8\n"})
        record = _datasets.version(root, self.store)
        prof = record["profiles"]["t.csv"]
        self.assertEqual((prof["rows"], prof["malformedRows"], prof["malformedExamples"]), (2, 2, [3, 6]))
        self.assertIn("2 malformed rows", record["problems"][0]["problem"])


class ProfileTest(DatasetsTestCase):
    def profile(self, name, content):
        root = self.data({name: content})
        return _datasets.version(root, self.store)["profiles"][name]

    def test_csv_profile(self):
        rows = ["id,score,label,empty"] + ["%d,%s,%s," % (i, "" if i == 3 else i / 2, "ab"[i % 2]) for i in range(1, 11)]
        prof = self.profile("t.csv", "\n".join(rows) + "\n")
        self.assertEqual((prof["format"], prof["rows"], prof["malformedRows"]), ("csv", 10, 0))
        cols = {c["name"]: c for c in prof["columns"]}
        self.assertEqual([c["name"] for c in prof["columns"]], ["id", "score", "label", "empty"])
        self.assertEqual((cols["id"]["type"], cols["id"]["integer"], cols["id"]["min"], cols["id"]["max"]),
                         ("number", True, 1, 10))
        self.assertEqual(cols["id"]["mean"], 5.5)
        self.assertEqual(cols["id"]["quantiles"][0], 1)
        self.assertEqual(cols["id"]["quantiles"][50], 5.5)
        self.assertEqual(cols["id"]["quantiles"][100], 10)
        self.assertEqual(len(cols["id"]["quantiles"]), 101)
        self.assertEqual((cols["score"]["nulls"], cols["score"]["count"], cols["score"]["integer"]), (1, 9, False))
        self.assertAlmostEqual(cols["score"]["mean"], (sum(range(1, 11)) - 3) / 2 / 9)
        self.assertEqual(cols["label"]["type"], "string")
        self.assertEqual(sorted(cols["label"]["top"]), [["a", 5], ["b", 5]])
        self.assertEqual((cols["label"]["distinct"], cols["label"]["distinctExact"]), (2, True))
        self.assertEqual((cols["empty"]["type"], cols["empty"]["nulls"]), ("empty", 10))

    def test_large_columns_are_sampled_and_distinct_is_estimated(self):
        n = 50000
        prof = self.profile("big.tsv", "v\tk\n" + "".join("%d\t%d\n" % (i, i % 7) for i in range(n)))
        v, k = prof["columns"]
        self.assertTrue(v["sampled"])
        self.assertFalse(v["distinctExact"])
        self.assertLess(abs(v["distinct"] - n) / n, 0.08)
        self.assertLess(abs(v["quantiles"][50] - n / 2) / n, 0.01)
        self.assertEqual((v["min"], v["max"]), (0, n - 1))
        self.assertEqual((k["distinct"], k["distinctExact"]), (7, True))
        self.assertEqual(sum(c for _, c in k["top"]), n)

    def test_a_column_with_text_after_numbers_becomes_a_string_column(self):
        rows = "x\n" + "1\n" * 5000 + "n/a\n"
        col = self.profile("t.csv", rows)["columns"][0]
        self.assertEqual(col["type"], "string")
        self.assertNotIn("quantiles", col)
        self.assertEqual(dict(map(tuple, col["top"])), {"1": 5000, "n/a": 1})

    def test_tabular_files_over_the_size_cap_are_hashed_not_profiled(self):
        root = self.data({"big.csv": "a\n" + "1\n" * 600000, "small.csv": "a\n1\n"})
        with mock.patch.dict(os.environ, {"RUNLOG_PROFILE_MAX_MB": "1"}):
            record = _datasets.version(root, self.store)
        self.assertEqual(sorted(record["profiles"]), ["small.csv"])
        self.assertEqual(record["problems"], [{"path": "big.csv", "problem": "not profiled: larger than 1 MB (RUNLOG_PROFILE_MAX_MB)"}])
        self.assertEqual(record["files"], 2)

    def test_jsonl_profile(self):
        lines = ['{"a": 1, "b": "x"}', '{"a": 2.5, "b": null, "c": true}', "not json", "", '{"a": 4, "c": false}']
        prof = self.profile("t.jsonl", "\n".join(lines) + "\n")
        self.assertEqual((prof["rows"], prof["malformedRows"], prof["malformedExamples"]), (3, 1, [3]))
        cols = {c["name"]: c for c in prof["columns"]}
        self.assertEqual((cols["a"]["type"], cols["a"]["min"], cols["a"]["max"]), ("number", 1, 4))
        self.assertEqual((cols["b"]["nulls"], cols["b"]["count"]), (2, 1))
        self.assertEqual((cols["c"]["type"], cols["c"]["nulls"]), ("boolean", 1))


class LogDatasetTest(DatasetsTestCase):
    def setUp(self):
        super().setUp()
        patcher = mock.patch.dict(os.environ, {"RUNLOG_STORE": self.store})
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_roles_and_the_version_in_the_store(self):
        root = self.data({"train.csv": "x\n1\n"})
        run = runlog.start_run()
        try:
            for role in ("train", "eval", "test", "input", "output"):
                entry = runlog.log_dataset(root, name="d-" + role, role=role)
                self.assertEqual(entry["role"], role)
            with self.assertRaisesRegex(ValueError, "train, eval, test, input, output"):
                runlog.log_dataset(root, role="validation")
        finally:
            runlog.end_run()
        self.assertTrue(os.path.exists(_datasets.record_path(self.store, entry["digest"])))
        self.assertEqual(run.status, "finished")

    def test_profile_mode_is_passed_through(self):
        root = self.data({"train.csv": "x\n1\n2\n"})
        runlog.start_run()
        try:
            entry = runlog.log_dataset(root, profile="sample")
            with self.assertRaisesRegex(ValueError, "profile must be one of auto, full, sample"):
                runlog.log_dataset(root, profile="quick")
        finally:
            runlog.end_run()
        record = _datasets._util.read_json(_datasets.record_path(self.store, entry["digest"]))
        prof = record["profiles"]["train.csv"]
        self.assertEqual((prof["rows"], prof["sample"]["rows"]), (2, 2))


class CliTest(DatasetsTestCase):
    def test_version_and_track_from_the_command_line(self):
        root = self.data({"a.txt": "a"})
        out = subprocess.run(
            [sys.executable, "-m", "runlog", "dataset", "version", root, "--store", self.store, "--name", "mine",
             "--track", "--progress"],
            env=clean_env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        result = json.loads(out.stdout)
        self.assertEqual((result["name"], result["files"], result["digest"]),
                         ("mine", 1, "sha256:" + folder_digest({"a.txt": b"a"})))
        self.assertTrue(os.path.exists(result["record"]))
        self.assertIn('"progress"', out.stderr)
        with open(os.path.join(self.store, "datasets", "tracked.jsonl")) as f:
            tracked = [json.loads(line) for line in f]
        self.assertEqual([(t["name"], t["digest"]) for t in tracked], [("mine", result["digest"])])

    def test_a_missing_path_fails_with_a_message(self):
        out = subprocess.run(
            [sys.executable, "-m", "runlog", "dataset", "version", os.path.join(self.tmp, "nope"), "--store",
             self.store], env=clean_env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 1)
        self.assertIn("no such file or folder", out.stderr)


if __name__ == "__main__":
    unittest.main()
