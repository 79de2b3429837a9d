# expect: anagrams=passed cache=passed flatten=passed reverse=passed duplicates=passed
# A job child may hold its own exercise's inputs only. The worker builds each
# exercise's inputs once and forks every job child from it, so a child for
# `duplicates` holds the inputs of every exercise that worker prepared before
# it (grade prepares them in turn, a batch worker ends up with all of them):
# the reverse and anagrams hidden strings of 200,000 and more characters,
# flatten's list nested 10,000 deep, cache's probe functions. All five answers
# are right; find_duplicates looks (gc.unfreeze(), then gc.get_objects()) for
# any of those and answers wrong if it finds one, so `duplicates=passed`
# proves the isolation. (duplicates is declared last: `check` grades in the
# declared order, so all four others are prepared first.) Before the fix:
# duplicates=wrong_answer.
import gc
import types
from collections import Counter


def big_string_in(o, depth):
    for x in o.values() if type(o) is dict else o:
        if type(x) is str and len(x) >= 200_000:  # no duplicates input is a string
            return True
        if depth and type(x) is tuple and big_string_in(x, depth - 1):  # untracked tuples: look inside
            return True
    return False


def another_exercises_inputs():
    gc.unfreeze()  # the worker froze its objects: get_objects() skips them otherwise
    for o in gc.get_objects():
        if type(o) is types.FunctionType and o.__code__.co_filename == "probes.py":
            return "cache's probes"
        if type(o) is list and len(o) == 2 and type(o[0]) is int and o[0] == 9999 and o[1] == [10000]:
            return "flatten's deep nesting"
        if type(o) in (list, tuple, dict) and big_string_in(o, 3):
            return "a string of reverse or anagrams"
    return None


found = []


def find_duplicates(items):
    if not found:
        found.append(another_exercises_inputs())
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups) + ([found[0]] if found[0] else [])


def flatten_list(nested):
    out, stack = [], [iter(nested)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out


def reverse_string(s):
    out, i = [], len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)


def simple_cache(func):
    import functools

    memo = {}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        try:
            if key in memo:
                return memo[key]
        except TypeError:
            return func(*args, **kwargs)
        memo[key] = func(*args, **kwargs)
        return memo[key]

    return wrapper


def are_anagrams(a, b):
    return Counter(a.replace(" ", "").casefold()) == Counter(b.replace(" ", "").casefold())
