"""Seeded builders of large inputs. Each returns a tuple of arguments."""

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ  äöüßΣσς日本😀"


def _swapcase_some(rng, chars):
    return [c.swapcase() if rng.random() < 0.3 else c for c in chars]


def shuffled_pair(rng, n):
    """b is a shuffle of a, with some letters' case swapped."""
    a = rng.choices(ALPHABET, k=n)
    b = _swapcase_some(rng, a)
    rng.shuffle(b)
    return ("".join(a), "".join(b))


def near_pair(rng, n):
    """As shuffled_pair, but one character of b differs, near the end."""
    a, b = shuffled_pair(rng, n)
    b = b[:-3] + ("x" if b[-3] != "x" and b[-3] != "X" else "y") + b[-2:]
    return (a, b)
