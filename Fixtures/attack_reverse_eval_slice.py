# expect: reverse=rule_violation
# The forbidden slice, assembled at run time: the text eval() is given is
# checked by the same rules as the source (a run-time hit, with no line).
def reverse_string(s):
    return eval("s[::" + "-1]")
