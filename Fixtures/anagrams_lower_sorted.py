# expect: anagrams=wrong_answer
# The common answer: lower() instead of casefold(), so "Straße" and "strasse" differ.
def are_anagrams(a, b):
    return sorted(a.replace(" ", "").lower()) == sorted(b.replace(" ", "").lower())
