# expect: cache=wrong_answer
# Caches correctly, but the wrapper loses __name__, __doc__ and __wrapped__.
def simple_cache(func):
    cache = {}

    def wrapper(*args, **kwargs):
        key = (args, frozenset(kwargs.items()))
        try:
            hash(key)
        except TypeError:
            return func(*args, **kwargs)
        if key not in cache:
            cache[key] = func(*args, **kwargs)
        return cache[key]

    return wrapper
