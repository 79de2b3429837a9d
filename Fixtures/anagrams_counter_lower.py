# expect: anagrams=wrong_answer
from collections import Counter


def are_anagrams(a, b):
    return Counter(a.replace(" ", "").lower()) == Counter(b.replace(" ", "").lower())
