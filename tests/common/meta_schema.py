"""Checks JSON Schemas against the JSON Schema 2020-12 meta-schema.

Reads a JSON list of [where, schema] pairs on stdin and prints
{"checked": N, "problems": ["where: why", ...]} on stdout.
"""

import json
import sys

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

DIALECT = "https://json-schema.org/draft/2020-12/schema"

checked = 0
problems = []
for where, schema in json.load(sys.stdin):
    checked += 1
    dialect = schema.get("$schema", DIALECT) if isinstance(schema, dict) else DIALECT
    if dialect != DIALECT:
        problems.append(f"{where}: `$schema` is {dialect!r}, not 2020-12")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        path = "/".join(str(p) for p in error.absolute_path) or "the root"
        problems.append(f"{where}: at {path}: {error.message}")
json.dump({"checked": checked, "problems": problems}, sys.stdout)
