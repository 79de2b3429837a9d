/// The worker's Python side, run once in the trusted worker before any fork.
/// It builds test inputs (literal or from the exercise's seeded generators),
/// loads probes, and makes the rule checker that reads a submission's AST in
/// the job child before any candidate code runs.
///
/// Everything here is trusted code: candidates' code only ever runs in job
/// children, after this module has finished its work.
enum Harness {
    static let source = #"""
        import ast as _ast
        import builtins as _builtins
        import gc as _gc
        import json as _json
        import random as _random
        import sys as _sys

        # Modules a candidate may import, loaded now: in a job child an import would
        # read files (slow, and the sandbox's filesystem view may not allow it).
        # Landlock leaves the stdlib readable but not the system's shared
        # libraries, so extension modules that need one (ctypes: libffi) must be
        # loaded here or not at all; bz2, lzma, sqlite3 and ssl are not.
        PREIMPORT = (
            "abc", "array", "bisect", "collections", "collections.abc", "contextlib", "copy", "ctypes",
            "dataclasses", "decimal", "enum", "fractions", "functools", "heapq", "inspect", "io",
            "itertools", "json", "math", "operator", "re", "statistics", "string", "textwrap",
            "time", "types", "typing", "unicodedata", "weakref",
        )
        for _name in PREIMPORT:
            try:
                __import__(_name)
            except Exception:
                pass

        _stdout = _sys.stdout
        _stderr = _sys.stderr


        def flush():
            for stream in (_stdout, _stderr):
                try:
                    stream.flush()
                except Exception:
                    pass


        def _namespace(source, filename):
            ns = {"__name__": filename[:-3], "__builtins__": _builtins}
            if source:
                exec(compile(source, filename, "exec"), ns)
            return ns


        def _value(text):
            # Test arguments are Python expressions written by the exercise's author
            # (trusted, like generators.py): `['x'] * 50` and `2**70` are fine.
            return eval(compile(text, "<exercise.yaml>", "eval"), {"__builtins__": _builtins})


        def prepare(spec_json):
            spec = _json.loads(spec_json)
            generators = _namespace(spec.get("generators"), "generators.py")
            probes = _namespace(spec.get("probes"), "probes.py")
            tests = []
            for i, t in enumerate(spec["tests"]):
                kwargs = {k: _value(v) for k, v in (t.get("kwargs") or {}).items()} or None
                g = t.get("generate")
                if g:
                    fn = generators.get(g["function"])
                    if not callable(fn):
                        raise ValueError(f"test {i + 1}: generators.py has no function {g['function']!r}")
                    args = fn(_random.Random(g.get("seed", 0)), **(g.get("parameters") or {}))
                    if type(args) is not tuple:
                        raise TypeError(f"test {i + 1}: generator {g['function']!r} must return a tuple of arguments")
                else:
                    args = tuple(_value(a) for a in t.get("args") or [])
                probe = None
                if t.get("probe"):
                    probe = probes.get(t["probe"])
                    if not callable(probe):
                        raise ValueError(f"test {i + 1}: probes.py has no function {t['probe']!r}")
                tests.append((probe, args, kwargs))
            checker = make_rule_checker(spec.get("rules") or [])
            # Everything built so far lives as long as the worker: move it out of
            # the collector's reach, so a collection in a job child does not walk
            # (and copy-on-write fault) a million inherited objects.
            _gc.collect()
            _gc.freeze()
            return tests, checker


        def make_rule_checker(rules):
            if not rules:
                return None

            def check(tree):
                # The job child parses once (compile with PyCF_ONLY_AST) and
                # compiles that same tree: the rules read what will run.
                first = _first_violations(tree, rules)
                return [(rule["id"], first[i]) for i, rule in enumerate(rules) if first[i] is not None]

            return check


        def _first_violations(tree, rules):
            # One walk for every rule: per rule, the first line that breaks it.
            specs = []
            for rule in rules:
                names = set(rule.get("forbid_names") or ())
                attributes = set(rule.get("forbid_attributes") or ())
                specs.append((names, attributes, names | attributes, set(rule.get("forbid_imports") or ()),
                              bool(rule.get("forbid_slice_step"))))
            first = [None] * len(rules)
            for node in _ast.walk(tree):
                line = getattr(node, "lineno", None)
                if line is None:
                    continue
                for i, (names, attributes, spelled, modules, slice_step) in enumerate(specs):
                    bad = False
                    if isinstance(node, _ast.Name):
                        # Any use counts, not only a call: `r = reversed` is an alias.
                        bad = node.id in names or (slice_step and node.id == "slice")
                    elif isinstance(node, _ast.Attribute):
                        bad = node.attr in attributes or node.attr in names
                    elif isinstance(node, _ast.Constant) and isinstance(node.value, str):
                        # getattr(s, "__reversed__"), vars(builtins)["reversed"]
                        bad = node.value in spelled
                    elif isinstance(node, _ast.alias):
                        bad = node.name.split(".")[-1] in names or node.name.split(".")[0] in modules
                    elif isinstance(node, _ast.ImportFrom):
                        bad = (node.module or "").split(".")[0] in modules
                    elif isinstance(node, _ast.Slice):
                        bad = slice_step and node.step is not None
                    if bad and (first[i] is None or line < first[i]):
                        first[i] = line
            return first
        """#
}
