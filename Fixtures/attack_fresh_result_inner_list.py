# expect: flatten=wrong_answer
# Found by the attacker (round four): flatten must return a new list, and
# only the argument itself was compared with the result. A chain of
# one-element lists that ends in a flat list is answered with that inner
# list: the right values, but part of the caller's input (change one, the
# other changes). A result held anywhere inside the input is refused too.
def _flat(nested):
    out, stack = [], [iter(nested)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out


def flatten_list(nested):
    inner = nested
    while len(inner) == 1 and isinstance(inner[0], list):
        inner = inner[0]
    if inner is not nested and not any(isinstance(x, list) for x in inner):
        return inner
    return _flat(nested)
