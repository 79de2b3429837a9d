# expect: duplicates=passed flatten=passed reverse=passed cache=passed anagrams=passed
# The correct answers with a debug print of their arguments in every call, as
# candidates leave them: Unicode arguments (sharp s, emoji, combining marks,
# lone surrogates) print as UTF-8, escaped where they cannot be encoded,
# never raising, and stay within the output limit.
# bench: leave out (bench/corpus.py): keeps the benchmark corpus as it was measured.
def find_duplicates(items):
    print("find_duplicates got", items[:5], "...")
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


def flatten_list(nested):
    print("flatten_list got a list of", len(nested), "items")
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
    print("reverse_string got", s[:40])
    out = []
    i = len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)


def simple_cache(func):
    print("simple_cache got", getattr(func, "__name__", func))
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
    print("are_anagrams got", a[:40], "|", b[:40])
    from collections import Counter

    return Counter(a.replace(" ", "").casefold()) == Counter(b.replace(" ", "").casefold())
