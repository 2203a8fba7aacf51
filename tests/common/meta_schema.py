"""Checks JSON Schemas against the JSON Schema 2020-12 meta-schema.

Reads a JSON list of [where, schema] pairs on stdin and prints
{"checked": N, "problems": ["where: why", ...], "patterns": [...]} on
stdout, where "patterns" lists the `pattern`s that are not ECMA-262.

Formats in the meta-schema are checked too. A `pattern` must be an
ECMA-262 regular expression, as JSON Schema says and as JavaScript clients
compile it (Unicode mode, like Ajv): jsonschema would check it with
Python's `re`, which refuses valid ones such as `\\p{L}`, so `regress`, an
ECMA-262 engine, checks it instead.
"""

import json
import sys

import regress
from jsonschema import Draft202012Validator, FormatChecker

DIALECT = "https://json-schema.org/draft/2020-12/schema"

formats = FormatChecker()


@formats.checks("regex", raises=regress.RegressError)
def is_ecma_regex(instance):
    if isinstance(instance, str):
        regress.Regex(instance, "u")
    return True


meta = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=formats)

checked = 0
problems = []
patterns = []
for where, schema in json.load(sys.stdin):
    checked += 1
    dialect = schema.get("$schema", DIALECT) if isinstance(schema, dict) else DIALECT
    if dialect != DIALECT:
        problems.append(f"{where}: `$schema` is {dialect!r}, not 2020-12")
    for error in meta.iter_errors(schema):
        path = "/".join(str(p) for p in error.absolute_path) or "the root"
        problem = f"{where}: at {path}: {error.message}"
        if error.validator == "format" and error.validator_value == "regex":
            patterns.append(problem)
        else:
            problems.append(problem)
json.dump({"checked": checked, "problems": problems, "patterns": patterns}, sys.stdout)
