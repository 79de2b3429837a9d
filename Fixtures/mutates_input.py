# expect: duplicates=wrong_answer flatten=wrong_answer
# Right answers, but the inputs are destroyed on the way.
def find_duplicates(items):
    items.sort(key=repr)
    dups = []
    for a, b in zip(items, items[1:]):
        if a == b and (not dups or dups[-1] != a):
            dups.append(a)
    return dups


def flatten_list(nested):
    out = []
    while nested:
        item = nested.pop(0)
        if isinstance(item, list):
            nested[:0] = item
        else:
            out.append(item)
    return out
