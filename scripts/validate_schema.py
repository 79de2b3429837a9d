#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema (draft 2020-12).

    python3 scripts/validate_schema.py docs/report.schema.json report.json [more.json ...]

Each document may also be a file of JSON lines (one object a line, as
`pygrade batch` writes). Prints one line per problem and exits 1 if any
document is invalid, 2 if the schema itself is. Needs python3-jsonschema
(scripts/setup.sh installs it).
"""
import json
import sys

import jsonschema


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
    validator = jsonschema.Draft202012Validator(schema)
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
