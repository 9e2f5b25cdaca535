"""docs/run.schema.json against run.json files the client really writes (required keys and basic types only)."""

import json
import os
import subprocess

from .helpers import REPO, TempDirTest, only_run, read_doc, run_python, clean_env, write

SCHEMA = os.path.join(REPO, "docs", "run.schema.json")

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def check(value, schema, root, where="$"):
    """Problems of value against the few keywords the run schema uses: $ref, type, const, enum, required,
    properties, additionalProperties (as a schema), items, oneOf. Not a general JSON Schema validator."""
    if "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return check(value, node, root, where)
    if "oneOf" in schema:
        if not any(not check(value, s, root, where) for s in schema["oneOf"]):
            return ["%s: matches none of oneOf" % where]
        return []
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in types):
            return ["%s: %r is not %s" % (where, value, "/".join(types))]
    problems = []
    if "const" in schema and value != schema["const"]:
        problems.append("%s: %r != %r" % (where, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        problems.append("%s: %r not in %r" % (where, value, schema["enum"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append("%s: missing %r" % (where, key))
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, v in value.items():
            if key in props:
                problems += check(v, props[key], root, "%s.%s" % (where, key))
            elif isinstance(extra, dict):
                problems += check(v, extra, root, "%s.%s" % (where, key))
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value):
            problems += check(v, schema["items"], root, "%s[%d]" % (where, i))
    return problems


class SchemaTest(TempDirTest):
    def setUp(self):
        super().setUp()
        with open(SCHEMA) as f:
            self.schema = json.load(f)

    def assertValid(self, doc):
        self.assertEqual(check(doc, self.schema, self.schema), [])

    def test_schema_is_draft_2020_12(self):
        self.assertEqual(self.schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
        self.assertIn("status", self.schema["required"])

    def test_written_documents_match(self):
        repo = os.path.join(self.tmp, "repo")
        os.makedirs(repo)
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        write(os.path.join(repo, "data.csv"), "a,b\n1,2\n")
        script = write(os.path.join(repo, "job.py"), (
            "import runlog, json\n"
            "runlog.log_params({'lr': 0.1, 'name': 'x', 'on': True, 'none': None})\n"
            "runlog.set_tag('k', 'v')\n"
            "runlog.log_metrics({'loss': 0.5, 'bad': float('nan'), 'big': float('inf')}, step=2)\n"
            "runlog.log_dataset('data.csv')\n"
            "json.dump({'w': 1}, open('model.json', 'w'))\n"
            "runlog.log_artifact('model.json')\n"
            "print('epoch 1 acc=0.5')\n"
            "raise SystemError('boom')\n"
        ))
        p = run_python(["-m", "runlog", "run", script, "--seed", "3"], cwd=repo, env=clean_env(RUNLOG_STORE=self.store))
        self.assertEqual(p.returncode, 1)
        doc = read_doc(only_run(self, self.store))
        self.assertEqual(doc["status"], "failed")
        self.assertIsNotNone(doc["capture"]["git"])
        self.assertValid(doc)
        # a client run, finished
        store2 = os.path.join(self.tmp, "s2")
        p = run_python(["-c", "import runlog\nwith runlog.start_run():\n    runlog.log_metric('a', 1)\n"], cwd=self.tmp,
                       env=clean_env(RUNLOG_STORE=store2))
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = read_doc(only_run(self, store2))
        self.assertValid(doc)
        # the fields of hostile conditions: text that is not UTF-8 (raw bytes beside it), points dropped on a full disk
        self.assertRegex(doc["capture"]["processStart"], r"^[0-9a-f-]+:\d+$")
        hostile = dict(doc, dropped={"points": 12, "outputBytes": 0, "error": "[Errno 28] No space left on device",
                                     "at": "2026-11-22T06:00:00.000Z"},
                       datasets=[{"name": "caf\ufffd.csv", "path": "/d/caf\ufffd.csv", "pathBytes": "L2QvY2Fm6S5jc3Y=",
                                  "role": "input", "digest": "0" * 64, "size": 1, "files": 1}])
        hostile["capture"] = dict(doc["capture"], args=["r\ufffd"], argsBytes=["cuk="], script="/x/t.py")
        self.assertValid(hostile)
        self.assertTrue(check(dict(hostile, dropped={"points": "many", "outputBytes": 0}), self.schema, self.schema))
        self.assertTrue(check(dict(hostile, capture=dict(hostile["capture"], argsBytes="cuk=")), self.schema,
                              self.schema))
        # the checker is not vacuous
        broken = dict(doc, status="done", metrics={"a": {"last": "nan"}})
        del broken["params"]
        problems = check(broken, self.schema, self.schema)
        self.assertTrue(any("status" in p for p in problems), problems)
        self.assertTrue(any("params" in p for p in problems), problems)
        self.assertTrue(any("metrics.a" in p for p in problems), problems)
