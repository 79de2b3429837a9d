# expect: duplicates=runtime_error flatten=runtime_error reverse=runtime_error cache=runtime_error anagrams=runtime_error
# An exception while loading the submission fails every test of every exercise.
raise RuntimeError("broken at import time")


def find_duplicates(items):
    return []
