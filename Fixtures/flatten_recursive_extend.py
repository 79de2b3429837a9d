# expect: flatten=runtime_error
# The common recursive answer: RecursionError at depth 10,000.
def flatten_list(nested):
    result = []
    for item in nested:
        if isinstance(item, list):
            result.extend(flatten_list(item))
        else:
            result.append(item)
    return result
