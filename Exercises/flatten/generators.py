"""Seeded builders of large inputs. Each returns a tuple of arguments."""


def deep(rng, depth):
    """[0, [1, [2, ... [depth]]]]: one list per level."""
    nested = [depth]
    for level in range(depth - 1, -1, -1):
        nested = [level, nested]
    return (nested,)


def wide(rng, leaves):
    """Sublists of random sizes, two levels deep, `leaves` ints in all."""
    out = []
    i = 0
    while i < leaves:
        size = min(rng.randrange(1, 200), leaves - i)
        inner = list(range(i, i + size))
        out.append([inner[: size // 2], inner[size // 2 :]] if rng.random() < 0.5 else inner)
        i += size
    return (out,)


def mixed(rng, leaves, max_depth):
    """Random nesting up to max_depth, with strings, tuples and empty lists."""
    root = []
    stack = [root]
    for i in range(leaves):
        r = rng.random()
        if r < 0.15 and len(stack) < max_depth:
            child = []
            stack[-1].append(child)
            stack.append(child)
        elif r < 0.28 and len(stack) > 1:
            stack.pop()
        elif r < 0.30:
            stack[-1].append([])
        leaf = i if i % 7 else (str(i) if i % 2 else (i, str(i)))
        stack[-1].append(leaf)
    return (root,)
