# expect: duplicates=memory_limit_exceeded flatten=memory_limit_exceeded reverse=memory_limit_exceeded cache=memory_limit_exceeded anagrams=memory_limit_exceeded
# Every entry point grabs 50 MiB per step until the memory limit stops it,
# on its first call in each child only: the first test's status is the
# exercise's, and hitting the limit in every test would only cost time.
# bytes(n): address space from calloc, no page written, so the memory limit
# comes long before the CPU limit however loaded the machine (see
# memory_bomb.py).
_hoarded = []


def _hoard():
    if _hoarded:
        return
    _hoarded.append(True)
    hoard = []
    while True:
        hoard.append(bytes(50 * 1024 * 1024))


def find_duplicates(items):
    _hoard()


def flatten_list(nested):
    _hoard()


def reverse_string(s):
    _hoard()


def simple_cache(func):
    _hoard()


def are_anagrams(a, b):
    _hoard()
