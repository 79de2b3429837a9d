def flatten_list(nested):
    """Iterative, so that nesting depth is bounded by memory, not the stack."""
    out = []
    stack = [iter(nested)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out
