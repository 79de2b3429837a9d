"""The hidden cases of Exercises/, loaded the way the baselines need them.

Shared by the two peers pygrade is measured against (bench/run): the same
exercise definitions, the same generated inputs, the same checkers. Python,
because both peers are Python graders.
"""
import copy
import importlib.util
import os
import random
import sys
import types

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(exercise_dir):
    """(definition dict, list of (name, probe or None, args, kwargs))."""
    with open(os.path.join(exercise_dir, "exercise.yaml")) as f:
        definition = yaml.safe_load(f)
    gens = os.path.join(exercise_dir, "generators.py")
    probes_path = os.path.join(exercise_dir, "probes.py")
    generators = _module(gens, "generators") if os.path.exists(gens) else None
    probes = _module(probes_path, "probes") if os.path.exists(probes_path) else None
    cases = []
    for t in definition["tests"]:
        kwargs = {k: eval(v) for k, v in (t.get("kwargs") or {}).items()} or {}
        if "generate" in t:
            g = dict(t["generate"])
            fn = getattr(generators, g.pop("function"))
            args = fn(random.Random(g.pop("seed", 0)), **g)
        else:
            args = tuple(eval(a) for a in t.get("args") or [])
        probe = getattr(probes, t["probe"]) if t.get("probe") else None
        cases.append((t["name"], probe, args, kwargs))
    return definition, cases


def exercises():
    folder = os.path.join(ROOT, "Exercises")
    return sorted(os.path.join(folder, d) for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))


def call(entry, probe, args, kwargs):
    return probe(entry, *args, **kwargs) if probe else entry(*args, **kwargs)


def check(checker, got, want):
    if checker == "unordered_unique":
        if type(got) is not list:
            return False
        seen = set()
        for x in got:
            if x in seen:
                return False
            seen.add(x)
        return seen == set(want)
    return type(got) is type(want) and got == want


def load_candidate(path, name="candidate"):
    """Imports a candidate file as a module; None when it does not load."""
    try:
        return _module(path, name)
    except BaseException:
        return None


def run_case(definition, entry, case, want):
    """True when the candidate passes the case, with pygrade's rules (equality, unchanged inputs)."""
    name, probe, args, kwargs = case
    before = copy.deepcopy(args) if definition.get("inputs_immutable") else None
    got = call(entry, probe, args, kwargs)
    if before is not None and before != args:
        return False
    return check(definition.get("checker", "exact"), got, want)
