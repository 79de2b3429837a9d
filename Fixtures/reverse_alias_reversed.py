# expect: reverse=rule_violation
# An alias is a use too: the rule reads the AST, not the calls.
backwards = reversed


def reverse_string(s):
    return "".join(backwards(s))
