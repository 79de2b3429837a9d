"""Seeded builders of large inputs. Each returns a tuple of arguments."""


def random_text(rng, n):
    alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?"
    return ("".join(rng.choices(alphabet, k=n)),)


def random_unicode(rng, n):
    # Latin-1, BMP and astral code points, combining marks included.
    alphabet = "aßéе\u0301\u0308日本😀👍🏽\u200d"
    return ("".join(rng.choices(alphabet, k=n)),)
