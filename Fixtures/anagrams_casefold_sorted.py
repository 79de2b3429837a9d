# expect: anagrams=passed
# O(n log n) is fast enough.
def are_anagrams(a, b):
    return sorted(a.replace(" ", "").casefold()) == sorted(b.replace(" ", "").casefold())
