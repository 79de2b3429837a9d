# expect: anagrams=wrong_answer cache=wrong_answer duplicates=wrong_answer flatten=wrong_answer reverse=wrong_answer
# Every call returns a value built to hurt whatever shows it: a string of
# 900,000 characters, a list of 20,000 ints, a dict of 20,000 entries, a
# list nested 9,990 levels deep (just under the decoder's cap of 10,000, the
# worst case for a renderer that recurses). Each is plain data within the
# result limit (1 MiB at least), so each is a wrong answer, not a crash of
# the grader. Where a report shows what a visible test returned, it must be
# cut to a readable length with a mark, in every format, and the report must
# stay small (FeedbackAttackTests). Only the first three calls of each
# exercise (its first tests, visible ones) do this; the rest answer right,
# so that the fixture stays fast.


CALLS = {}


def _first_calls(name):
    CALLS[name] = CALLS.get(name, 0) + 1
    return CALLS[name] <= 3


def _deep(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def find_duplicates(items):
    if _first_calls('duplicates'):
        return list(range(20_000))
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


def flatten_list(nested):
    if _first_calls('flatten'):
        return _deep(9_990)
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
    if _first_calls('rev'):
        return 'x' * 900_000
    out = []
    i = len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)


def simple_cache(func):
    if _first_calls('cache'):
        return lambda *args, **kwargs: _deep(9_900)
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
    if _first_calls('anagrams'):
        return {str(i): [i, -i] for i in range(20_000)}
    from collections import Counter

    return Counter(a.replace(" ", "").casefold()) == Counter(b.replace(" ", "").casefold())
