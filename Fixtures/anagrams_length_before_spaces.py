# expect: anagrams=wrong_answer
# Compares lengths before the spaces are removed.
from collections import Counter


def are_anagrams(a, b):
    if len(a) != len(b):
        return False
    return Counter(a.replace(" ", "").casefold()) == Counter(b.replace(" ", "").casefold())
