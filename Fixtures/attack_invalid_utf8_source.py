# coding: utf-8
# expect: duplicates=syntax_error
# Declares UTF-8 and is not: the compiler refuses it.
def find_duplicates(items):
    return ["ÿþ"]
