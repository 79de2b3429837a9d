import functools


def simple_cache(func):
    """Memoises func by its positional and keyword arguments."""
    cache = {}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        # A frozenset makes keyword order irrelevant; a tuple key compares
        # with ==, so arguments that merely print alike stay distinct.
        try:
            key = (args, frozenset(kwargs.items()))
            hash(key)
        except TypeError:
            # Unhashable arguments cannot be keys: compute, do not cache.
            return func(*args, **kwargs)
        try:
            return cache[key]
        except KeyError:
            pass
        result = cache[key] = func(*args, **kwargs)
        return result

    return wrapper
