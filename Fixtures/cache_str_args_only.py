# expect: cache=wrong_answer
# Keyed on str(args) alone: keyword arguments are ignored, and arguments that
# print alike collide.
def simple_cache(func):
    cache = {}

    def wrapper(*args, **kwargs):
        key = str(args)
        if key not in cache:
            cache[key] = func(*args, **kwargs)
        return cache[key]

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapper.__wrapped__ = func
    return wrapper
