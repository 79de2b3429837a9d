# expect: cache=wrong_answer
# `cache.get(key) or ...` recomputes every falsy result (None, 0, "").
import functools


def simple_cache(func):
    cache = {}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = (args, frozenset(kwargs.items()))
        try:
            hash(key)
        except TypeError:
            return func(*args, **kwargs)
        if not cache.get(key):
            cache[key] = func(*args, **kwargs)
        return cache[key]

    return wrapper
