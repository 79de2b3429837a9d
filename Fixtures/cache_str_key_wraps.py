# expect: cache=wrong_answer
# The popular answer: keyed on how the arguments print, so two different
# arguments that print alike share one cache entry.
import functools


def simple_cache(func):
    cache = {}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = str(args) + str(sorted(kwargs.items()))
        if key not in cache:
            cache[key] = func(*args, **kwargs)
        return cache[key]

    return wrapper
