# expect: reverse=rule_violation
# Spelling the forbidden name in a string does not hide it.
import builtins


def reverse_string(s):
    return "".join(getattr(builtins, "reversed")(s))
