# expect: anagrams=runtime_error duplicates=runtime_error
# Hidden inputs put in the messages of exceptions nested in an ExceptionGroup,
# in the notes of a builtin exception, and in a KeyError's key: a hidden
# test shows only the builtin type's name (IntegrityAttackTests and
# FeedbackAttackTests look for input text in every format).
def are_anagrams(a, b):
    inner = ValueError("hidden a=%r b=%r" % (a, b))
    raise ExceptionGroup("group %r" % a, [inner, KeyError(b)])


def find_duplicates(items):
    e = KeyError(repr(items)[:200])
    e.add_note("items: %r" % (items[:20],))
    raise e
