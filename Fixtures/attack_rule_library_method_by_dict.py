# expect: reverse=rule_violation
# Found by the attacker (round four): `.reverse()` reached as a library
# function written in Python, through a namespace's dict and a computed
# name, so that neither the walker (no `.reverse` in the source), nor the
# getattr hook, nor the hooks on builtin types' methods see it.
# `MutableSequence.reverse` reverses by swapping items. Entering a standard
# library function named like a forbidden attribute is a hit.
from collections.abc import MutableSequence


def reverse_string(s):
    chars = list(s)
    vars(MutableSequence)["rev" + "erse"](chars)
    return "".join(chars)
