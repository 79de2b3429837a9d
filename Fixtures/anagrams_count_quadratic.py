# expect: anagrams=time_limit_exceeded
# Counts every character again for every character: O(n^2).
def are_anagrams(a, b):
    a = a.replace(" ", "").casefold()
    b = b.replace(" ", "").casefold()
    return len(a) == len(b) and all(a.count(c) == b.count(c) for c in a)
