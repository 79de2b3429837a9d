# expect: flatten=time_limit_exceeded
# `out = out + [item]` builds a new list for every leaf: O(n^2) on a million leaves.
def flatten_list(nested):
    out = []
    stack = [iter(nested)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out = out + [item]
        else:
            stack.pop()
    return out
