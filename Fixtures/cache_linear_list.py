# expect: cache=time_limit_exceeded
# Supports unhashable arguments by keeping entries in a list: every lookup
# scans the whole list, O(n) per call.
import copy
import functools


def simple_cache(func):
    entries = []

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for a, k, result in entries:
            if a == args and k == kwargs:
                return result
        result = func(*args, **kwargs)
        # Copies, so that a list changed after the call is not found again.
        entries.append((copy.deepcopy(args), copy.deepcopy(kwargs), result))
        return result

    return wrapper
