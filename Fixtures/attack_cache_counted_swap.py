# expect: cache=wrong_answer
# `simple_cache` caches nothing (it returns the function itself, with
# __wrapped__ set), which is a wrong answer. The probes count the calls that
# reach their own functions through probes.py's `_counted` and the builtin
# `len`, both looked up at call time in namespaces the job child can write:
# - while loading, it finds probes.py's globals (gc: any function compiled from
#   probes.py) and replaces `_counted` with a counter that counts each distinct
#   argument list once, so that calling through looks cached;
# - the one probe that counts calls itself (memoised fib) gets, from
#   simple_cache (which sees its caller with sys._getframe), an iterative fib
#   that calls nothing, and `builtins.len`, patched, tells that probe's frame
#   that 201 calls were made.
# Replacing harness globals and builtins must not turn a wrong answer into a
# pass: cache=wrong_answer. Before the fix: passed.
import builtins
import gc
import sys
import types

real_len = builtins.len


def counted_once(body):
    calls, seen = [], set()

    def func(*args, **kwargs):
        try:
            key = (args, frozenset(kwargs.items()))
            first = key not in seen
            seen.add(key)
        except TypeError:  # unhashable arguments: those probes do not count
            first = True
        if first:
            calls.append(1)
        return body(*args, **kwargs)

    return func, calls


def patched_len(obj):
    if sys._getframe(1).f_code.co_name == "memoised_recursion_is_fast":
        return 201
    return real_len(obj)


try:
    gc.unfreeze()
    for f in gc.get_objects():
        if type(f) is types.FunctionType and f.__code__.co_filename == "probes.py":
            f.__globals__["_counted"] = counted_once
    builtins.len = patched_len
except Exception:
    pass


def fib(k):
    a, b = 0, 1
    for _ in range(k):
        a, b = b, a + b
    return a


def simple_cache(func):
    if sys._getframe(1).f_code.co_name == "memoised_recursion_is_fast":
        return fib
    func.__wrapped__ = func
    return func
