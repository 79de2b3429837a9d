# expect: duplicates=wrong_answer flatten=wrong_answer
def find_duplicates(items):
    seen = set()
    for x in items:
        if x in seen:
            yield x
        seen.add(x)


def flatten_list(nested):
    for item in nested:
        if isinstance(item, list):
            yield from flatten_list(item)
        else:
            yield item
