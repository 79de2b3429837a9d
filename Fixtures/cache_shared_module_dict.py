# expect: cache=wrong_answer
# One module-level dict for every decorated function: g1(3) and g2(3) collide.
import functools

_cache = {}


def simple_cache(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = (args, frozenset(kwargs.items()))
        try:
            hash(key)
        except TypeError:
            return func(*args, **kwargs)
        if key not in _cache:
            _cache[key] = func(*args, **kwargs)
        return _cache[key]

    return wrapper
