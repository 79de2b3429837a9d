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
import functools
import json
import pathlib
import sys
import urllib.parse

import jsonschema


def documents(path):
    text = open(path, encoding="utf-8").read()
    try:
        yield json.loads(text)
    except json.JSONDecodeError:
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield json.loads(line)


def validator_with_siblings(schema, path):
    """A validator that resolves references to every schema next to `path`
    by its $id (docs/results.schema.json refers to the report's and the
    batch error record's), with jsonschema's `referencing` where it has it
    (4.18 and later) and its RefResolver before (Debian 12 has 4.10)."""
    siblings = {}
    for other_path in sorted(path.resolve().parent.glob("*.schema.json")):
        other = json.load(open(other_path, encoding="utf-8"))
        if "$id" in other:
            siblings[other["$id"]] = other
    try:
        from referencing import Registry, Resource
    except ImportError:
        # RefResolver's urljoin drops a `urn:` base ("#/$defs/x" inside the
        # report's schema would be looked up in the referring one): join
        # a bare fragment onto the base by hand.
        def join(base, ref):
            return base.split("#", 1)[0] + ref if ref.startswith("#") else urllib.parse.urljoin(base, ref)

        resolver = jsonschema.RefResolver.from_schema(
            schema, store=siblings, urljoin_cache=functools.lru_cache(1024)(join))
        return jsonschema.Draft202012Validator(schema, resolver=resolver)
    registry = Registry().with_resources((i, Resource.from_contents(s)) for i, s in siblings.items())
    return jsonschema.Draft202012Validator(schema, registry=registry)


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
    validator = validator_with_siblings(schema, pathlib.Path(argv[1]))
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
