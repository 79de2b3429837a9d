# expect: duplicates=passed flatten=passed reverse=passed cache=passed anagrams=passed
# The module's top level allocates far more than the job child's fresh arena
# holds (4 MiB, see fresh_arena.c): blocks come from the arena, grow in place,
# are dropped, and the arena fills up halfway through, so the rest comes from
# Python's own allocators. The tests use what was built from both.
# bench: leave out (bench/corpus.py): no candidate's load looks like this.
_words = []
for _i in range(120_000):
    _words.append(str(_i) * 2)
_lengths = {w: len(w) for w in _words}
_blob = bytearray()
for _i in range(20_000):
    _blob += b"xy" * 50
assert sum(_lengths.values()) == sum(2 * len(str(i)) for i in range(120_000))
assert bytes(_blob) == b"xy" * 1_000_000
del _words, _blob
_SPACE = " " * 1


def find_duplicates(items):
    assert _lengths["11"] == 2
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


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
    out = []
    i = len(s) - 1
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
    from collections import Counter

    return Counter(a.replace(_SPACE, "").casefold()) == Counter(b.replace(_SPACE, "").casefold())
