/// The worker's Python side, run once in the trusted worker before any fork.
/// It builds test inputs (literal or from the exercise's seeded generators),
/// loads probes, and turns an exercise's rules into the sets the C walker
/// (rules_walk.c) checks on a submission's AST in the job child, before any
/// candidate code runs, and the builtins and methods it hooks at run time.
///
/// Everything here is trusted code: candidates' code only ever runs in job
/// children, after this module has finished its work.
enum Harness {
    /// The exception `prepare` raises when a test's inputs cannot be built:
    /// its message names the test.
    static let testInputError = "TestInputError"

    static let source = #"""
        import ast as _ast
        import builtins as _builtins
        import gc as _gc
        import json as _json
        import random as _random
        import sys as _sys
        import types as _types

        # Modules a candidate may import, loaded now: in a job child an import would
        # read files (slow, and the sandbox's filesystem view may not allow it).
        PREIMPORT = (
            "abc", "array", "bisect", "collections", "collections.abc", "contextlib", "copy",
            "dataclasses", "decimal", "enum", "fractions", "functools", "heapq", "inspect", "io",
            "itertools", "json", "math", "operator", "re", "statistics", "string", "textwrap",
            "time", "types", "typing", "unicodedata", "weakref",
        )
        # A job child cannot load an extension module (no-native-code: no new
        # executable memory), so the ones in lib-dynload that a fair candidate
        # may use are loaded here, before any zygote forks (decimal, json and
        # typing bring _decimal, _json and _typing above; most of the stdlib's C
        # modules are built into Debian's libpython). contextvars (and asyncio)
        # needs _contextvars, cProfile _lsprof, the CJK codecs theirs; queue has a
        # Python fallback but runs faster with _queue; resource sets
        # the job's own limits (a deeper stack for deep recursion), and on any
        # other process its calls fail (others-untouchable). Not loaded, so not
        # importable in a job: _ctypes (ctypes), _testcapi, _testinternalcapi,
        # mmap, _posixshmem, _multiprocessing, _asyncio (asyncio runs without it),
        # _zoneinfo (its start imports zoneinfo and sysconfig, ~20 ms a worker;
        # zoneinfo falls back to Python, and the time zone files are out of view),
        # and whatever needs a system library Landlock keeps out of view
        # (_hashlib: hashlib falls back to its built-in md5, sha*, blake2; _ssl,
        # _bz2, _lzma, _sqlite3, _uuid, _curses, readline...). docs/sandbox.md
        # lists them.
        NATIVE_PRELOAD = (
            "_contextvars", "_lsprof", "_queue", "resource", "_multibytecodec",
            "_codecs_cn", "_codecs_hk", "_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw",
        )
        for _name in PREIMPORT + NATIVE_PRELOAD:
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


        class TestInputError(Exception):
            pass


        def prepare(spec_json):
            # Runs in the exercise's zygote, which holds this exercise's inputs
            # and no other's.
            spec = _json.loads(spec_json)
            generators = _namespace(spec.get("generators"), "generators.py")
            probes_code = compile(spec["probes"], "probes.py", "exec") if spec.get("probes") else None
            probes = {"__name__": "probes", "__builtins__": _builtins}
            if probes_code:
                exec(probes_code, probes)
            # Job children call each probe by name from a namespace made afresh
            # for that test (job_tests.c): what a candidate does to one probe's
            # functions or helpers, or to the builtins, is gone by the next.
            # (Run once here to check that every named probe exists.)
            tests = []
            for t in spec["tests"]:
                try:
                    tests.append(_test_inputs(t, generators, probes))
                except Exception as e:
                    raise TestInputError(f"test {t['name']!r}: {type(e).__name__}: {e}") from None
            rules = rule_sets(spec.get("rules") or [])
            # The builtins as they are before any candidate code: each probe's
            # namespace gets a fresh dict of them. A tuple: nothing in it can be
            # rebound from Python.
            builtins_items = tuple(vars(_builtins).items()) if probes_code else None
            # Everything built so far lives as long as the worker: move it out of
            # the collector's reach, so a collection in a job child does not walk
            # (and copy-on-write fault) a million inherited objects.
            _gc.collect()
            _gc.freeze()
            return tests, rules, probes_code, builtins_items


        def _test_inputs(t, generators, probes):
            kwargs = {k: _value(v) for k, v in (t.get("kwargs") or {}).items()} or None
            g = t.get("generate")
            if g:
                fn = generators.get(g["function"])
                if not callable(fn):
                    raise ValueError(f"generators.py has no function {g['function']!r}")
                args = fn(_random.Random(g.get("seed", 0)), **(g.get("parameters") or {}))
                if type(args) is not tuple:
                    raise TypeError(f"generator {g['function']!r} must return a tuple of arguments")
            else:
                args = tuple(_value(a) for a in t.get("args") or [])
            probe = None
            if t.get("probe"):
                if not callable(probes.get(t["probe"])):
                    raise ValueError(f"probes.py has no function {t['probe']!r}")
                probe = _sys.intern(t["probe"])
            return probe, args, kwargs


        def check_sources(items_json):
            # Compiles, never runs, the Python an exercise's author wrote (each
            # test's argument expressions, generators.py, probes.py), so that a
            # typo is reported when the definition is checked, with its place,
            # rather than when the inputs are built. In a child of the worker's
            # base (compiling makes constants of the arguments: the base must
            # hold no test input).
            problems = []
            for i, item in enumerate(_json.loads(items_json)):
                try:
                    compile(item["source"], item["filename"], item["mode"], dont_inherit=True)
                except SyntaxError as e:
                    problems.append({"index": i, "message": e.msg, "line": e.lineno})
                    continue
                except (ValueError, MemoryError, RecursionError) as e:
                    problems.append({"index": i, "message": f"{type(e).__name__}: {e}"})
                    continue
                if item.get("names"):
                    bound = _top_level_names(_ast.parse(item["source"], item["filename"]).body)
                    missing = [n for n in item["names"] if bound is not None and n not in bound]
                    if missing:
                        problems.append({"index": i, "undefined": missing})
            return _json.dumps(problems)


        def _top_level_names(body):
            # The names a module binds at its top level (in if, try, with and loop
            # blocks too), or None when a star import makes them unknowable.
            names = set()
            for node in body:
                if isinstance(node, (_ast.FunctionDef, _ast.AsyncFunctionDef, _ast.ClassDef)):
                    names.add(node.name)
                elif isinstance(node, (_ast.Import, _ast.ImportFrom)):
                    for alias in node.names:
                        if alias.name == "*":
                            return None
                        names.add(alias.asname or alias.name.partition(".")[0])
                elif isinstance(node, (_ast.Assign, _ast.AnnAssign, _ast.AugAssign)):
                    for target in node.targets if isinstance(node, _ast.Assign) else [node.target]:
                        names.update(n.id for n in _ast.walk(target) if isinstance(n, _ast.Name))
                for block in ("body", "orelse", "finalbody", "handlers"):
                    if not isinstance(node, (_ast.FunctionDef, _ast.AsyncFunctionDef, _ast.ClassDef)) and hasattr(node, block):
                        inner = _top_level_names(getattr(node, block))
                        if inner is None:
                            return None
                        names |= inner
            return names


        def rule_sets_json(rules_json):
            # In the worker's base, which checks rules in its compile children.
            return rule_sets(_json.loads(rules_json))


        def rule_sets(rules):
            # What the job child's C walker (rules_walk.c) checks on the submission's
            # AST: per rule (id, names, attributes, names | attributes, modules,
            # slice_step, targets). A Name whose id is forbidden and means the
            # builtin (no scope binds it), an Attribute whose attr is forbidden, a
            # str Constant spelling either, an import alias or module, a slice with
            # a step: each counts, at its first line. `targets` are what the child
            # hooks at run time (pg_rules_runtime_install).
            if not rules:
                return None
            out = []
            for rule in rules:
                names = frozenset(rule.get("forbid_names") or ())
                attributes = frozenset(rule.get("forbid_attributes") or ())
                modules = frozenset(rule.get("forbid_imports") or ())
                out.append((rule["id"], names, attributes, names | attributes, modules, bool(rule.get("forbid_slice_step")),
                            _runtime_targets(names, attributes)))
            return tuple(out)


        def _runtime_targets(names, attributes):
            # The builtins a rule forbids by name (rules_hooks.c hooks a type's tp_new
            # and tp_vectorcall, a C function's definition), and every method of a
            # builtin type named like an attribute it forbids (list.reverse,
            # deque.__reversed__...: their definitions), whichever way the
            # candidate's code reaches them.
            out = [vars(_builtins)[n] for n in sorted(names) if n in vars(_builtins)]
            if attributes:
                seen, stack = set(), [object]
                while stack:
                    t = stack.pop()
                    if id(t) in seen:
                        continue
                    seen.add(id(t))
                    stack.extend(type.__subclasses__(t))
                    for a in sorted(attributes):
                        m = t.__dict__.get(a)
                        if type(m) in (_types.MethodDescriptorType, _types.ClassMethodDescriptorType):
                            out.append(m)
            return tuple(out)
        """#
}
