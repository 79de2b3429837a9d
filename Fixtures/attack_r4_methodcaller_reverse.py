# expect: reverse=rule_violation
# list.reverse and list.__reversed__ reached without getattr and without the
# attribute syntax (operator.methodcaller, vars(list)[...]): the hooks sit on
# the methods' definitions, so any way of calling them is a hit.
import operator


def reverse_string(s):
    chars = list(s)
    operator.methodcaller("rev" + "erse")(chars)
    if len(chars) > 1 and chars[0] == s[0]:
        chars = list(vars(list)["__rev" + "ersed__"](list(s)))
    return "".join(chars)
