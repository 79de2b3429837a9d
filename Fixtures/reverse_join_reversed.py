# expect: reverse=rule_violation
def reverse_string(s):
    return "".join(reversed(s))
