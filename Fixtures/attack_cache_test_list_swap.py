# expect: cache=wrong_answer
# `simple_cache` caches nothing (it returns the function itself), which is a
# wrong answer. The harness runs each test from a Python list of (probe, args,
# kwargs) that the job child can reach: while loading, this file finds that
# list (gc.unfreeze(), gc.get_objects()) and replaces every entry with a probe
# of its own that returns the observations a real cache gives. Replacing the
# harness's test list must not turn a wrong answer into a pass:
# cache=wrong_answer. Before the fix: passed.
import gc
import types

OBSERVED = {
    "repeated_call_is_cached": {"values": [20, 20, 30, 20, 30], "calls": 2},
    "metadata_is_kept": {"name": "area", "doc": "The area of a rectangle.", "wrapped_is_the_function": True, "value": 12},
    "keyword_arguments_are_part_of_the_key": {"values": [4, 4, 3, 5], "calls": 3},
    "keyword_order_does_not_matter": {"values": [[("a", 1), ("b", 2)]] * 3, "calls": 1},
    "falsy_results_are_cached": {"values": [None, 0, "", False, []] * 2, "calls": 5},
    "each_function_has_its_own_cache": {"values": [4, 6, 4, 6], "calls": [1, 1]},
    "arguments_that_print_alike_are_distinct": {"values": [(1, None), (2, None), (1, None), (0, 1), (0, 2)], "calls": 4},
    "unhashable_arguments_get_the_right_value": {"values": [6, 6, 10, 15, 7]},
    "memoised_recursion_is_fast": {"value": 280571172992510140037611932413038677189525, "calls": 201},
    "many_distinct_arguments": {"total": 5332933340000, "calls": 20000},
}


def fake_probe(name):
    return lambda simple_cache, *args, **kwargs: OBSERVED[name]


def is_probe(f):
    return type(f) is types.FunctionType and f.__code__.co_filename == "probes.py" and f.__name__ in OBSERVED


try:
    gc.unfreeze()
    for tests in gc.get_objects():
        if type(tests) is list and tests and all(type(t) is tuple and len(t) == 3 and is_probe(t[0]) for t in tests):
            tests[:] = [(fake_probe(probe.__name__), args, kwargs) for probe, args, kwargs in tests]
except Exception:
    pass


def simple_cache(func):
    return func
