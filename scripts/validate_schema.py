#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema (draft 2020-12).

    python3 scripts/validate_schema.py docs/report.schema.json report.json [more.json ...]
    python3 scripts/validate_schema.py docs/results.schema.json results.jsonl

Each document may also be a file of JSON lines (one object a line, as
`pygrade batch` writes). A schema may refer to the others in its folder by
their `$id` (docs/results.schema.json refers to the report's and the batch
error record's). Prints one line per problem and exits 1 if any
document is invalid, 2 if the schema itself is. Needs python3-jsonschema
(scripts/setup.sh installs it).
"""
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource


def documents(path):
    text = open(path, encoding="utf-8").read()
    try:
        yield json.loads(text)
    except json.JSONDecodeError:
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield json.loads(line)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema = json.load(open(argv[1], encoding="utf-8"))
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        print(f"{argv[1]}: not a valid schema: {e.message}", file=sys.stderr)
        return 2
    # Every schema next to it, under its $id, for cross-file references.
    registry = Registry()
    for path in sorted(pathlib.Path(argv[1]).resolve().parent.glob("*.schema.json")):
        other = json.load(open(path, encoding="utf-8"))
        if "$id" in other:
            registry = registry.with_resource(other["$id"], Resource.from_contents(other))
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    bad = 0
    for path in argv[2:]:
        for doc in documents(path):
            for error in validator.iter_errors(doc):
                where = "/".join(str(p) for p in error.absolute_path) or "(top)"
                print(f"{path}: {where}: {error.message}")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
