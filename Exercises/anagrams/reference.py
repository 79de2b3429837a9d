from collections import Counter


def are_anagrams(a, b):
    """Same characters, same counts, ignoring spaces and case, in O(n)."""

    def letters(s):
        return Counter(s.casefold().replace(" ", ""))

    return letters(a) == letters(b)
