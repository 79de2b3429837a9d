# expect: reverse=rule_violation
def reverse_string(s):
    chars = list(s)
    chars.reverse()
    return "".join(chars)
