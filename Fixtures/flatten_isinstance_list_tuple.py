# expect: flatten=wrong_answer
# Flattens tuples too: a tuple is a leaf.
def flatten_list(nested):
    out = []
    stack = [iter(nested)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, (list, tuple)):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out
