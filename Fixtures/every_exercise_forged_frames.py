# expect: duplicates=sandbox_violation flatten=sandbox_violation reverse=sandbox_violation cache=sandbox_violation anagrams=sandbox_violation
# Every entry point writes a forged result frame on every descriptor it can find.
import os


def _forge():
    for fd in range(3, 64):
        try:
            os.write(fd, b"\xff\xff\xff\x7f" + b"r" * 64)
        except OSError:
            pass


def find_duplicates(items):
    _forge()
    return []


def flatten_list(nested):
    _forge()
    return []


def reverse_string(s):
    _forge()
    return s


def simple_cache(func):
    _forge()
    return func


def are_anagrams(a, b):
    _forge()
    return True
