# expect: anagrams=wrong_answer
# Sets forget how many times each character occurs.
def are_anagrams(a, b):
    return set(a.replace(" ", "").casefold()) == set(b.replace(" ", "").casefold())
