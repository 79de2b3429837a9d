# expect: flatten=wrong_answer
# Hands back the caller's own list when it is already flat: not a new list.
def flatten_list(nested):
    if not any(isinstance(x, list) for x in nested):
        return nested
    out = []
    for x in nested:
        out.extend(flatten_list(x) if isinstance(x, list) else [x])
    return out
