"""Seeded builders of large inputs. Each returns a tuple of arguments."""


def random_ints(rng, n, distinct):
    return ([rng.randrange(distinct) for _ in range(n)],)


def shuffled_range(rng, n):
    items = list(range(n))
    rng.shuffle(items)
    return (items,)


def random_words(rng, n, distinct):
    alphabet = "abcdefghijklmnopqrstuvwxyzäöüß"
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(3, 9))) for _ in range(distinct)]
    return ([rng.choice(words) for _ in range(n)],)
