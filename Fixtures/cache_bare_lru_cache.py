# expect: cache=wrong_answer|runtime_error
# lru_cache keys keyword arguments in call order, and refuses unhashable ones.
import functools

simple_cache = functools.lru_cache
