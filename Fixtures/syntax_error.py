# expect: duplicates=syntax_error flatten=syntax_error
def find_duplicates(items)
    return []
