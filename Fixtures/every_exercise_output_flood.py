# expect: duplicates=output_limit_exceeded flatten=output_limit_exceeded reverse=output_limit_exceeded cache=output_limit_exceeded anagrams=output_limit_exceeded
def _flood():
    while True:
        print("spam" * 1000)


def find_duplicates(items):
    _flood()


def flatten_list(nested):
    _flood()


def reverse_string(s):
    _flood()


def simple_cache(func):
    _flood()


def are_anagrams(a, b):
    _flood()
