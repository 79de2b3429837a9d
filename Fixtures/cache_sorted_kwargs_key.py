# expect: cache=passed
import functools

_MISSING = object()


def simple_cache(func):
    cache = {}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        try:
            result = cache.get(key, _MISSING)
        except TypeError:
            return func(*args, **kwargs)
        if result is _MISSING:
            result = cache[key] = func(*args, **kwargs)
        return result

    return wrapper
