def are_anagrams(a, b):
    """Return True when a and b are anagrams, ignoring spaces and letter case."""
    raise NotImplementedError
