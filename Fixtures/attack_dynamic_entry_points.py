# expect: anagrams=passed cache=passed duplicates=passed flatten=passed reverse=passed
# No entry point is written as a `def` of its own name: each is bound at run
# time (globals(), exec of built text, setattr on the module, a function made
# from another's code, a name assembled from pieces). Python grades what the
# module holds once it has run, so every exercise passes. A grader that
# decided "missing" from the names it reads statically in the source (the
# list it may show as "defines ...") would fail a correct submission.
import sys
import types


def _dups(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


globals()["find_" + "duplicates"] = _dups

exec(
    "def " + "flatten" + "_list(nested):\n"
    "    out, stack = [], [iter(nested)]\n"
    "    while stack:\n"
    "        for item in stack[-1]:\n"
    "            if isinstance(item, list):\n"
    "                stack.append(iter(item))\n"
    "                break\n"
    "            out.append(item)\n"
    "        else:\n"
    "            stack.pop()\n"
    "    return out\n"
)


def _rev(s):
    out = []
    i = len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)


setattr(sys.modules[__name__], "rev" + "erse_string", types.FunctionType(_rev.__code__, globals(), "whatever"))


def _cache(func):
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


vars()["simple" + "_cache"] = _cache

for _name, _body in [("are_" + "anagrams", "lambda a, b: sorted(a.replace(' ', '').casefold()) == sorted(b.replace(' ', '').casefold())")]:
    globals()[_name] = eval(_body)
