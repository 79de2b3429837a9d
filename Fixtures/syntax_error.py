# expect: duplicates=syntax_error flatten=syntax_error reverse=syntax_error cache=syntax_error anagrams=syntax_error
def find_duplicates(items)
    return []
