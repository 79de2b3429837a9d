# expect: anagrams=passed cache=passed duplicates=passed flatten=passed reverse=passed
# Every entry point is spelled here with compatibility characters that Python
# folds to the graded name when it parses (identifiers are NFKC-normalised):
# `ﬁ` (U+FB01) is "fi", `ﬂ` (U+FB02) is "fl", `𝐬` (U+1D42C) is "s", `ａ`
# (U+FF41) is "a", `ｃ` (U+FF43) is "c". The functions ARE defined under the
# graded names, so each exercise passes. A grader that decided "missing", or
# listed the names a file "defines", from the raw text instead of the parsed
# tree would get this file wrong (and would show names Python never bound).


def ﬁnd_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


def ﬂatten_list(nested):
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


def rever𝐬e_string(s):
    out = []
    i = len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)


def simple_ｃache(func):
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


def are_ａnagrams(a, b):
    from collections import Counter

    return Counter(a.replace(" ", "").casefold()) == Counter(b.replace(" ", "").casefold())
