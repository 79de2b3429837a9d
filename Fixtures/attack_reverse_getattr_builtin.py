# expect: reverse=rule_violation
# reversed() reached by a name computed at run time: calling the builtin is a
# hit however it was found (getattr, vars(builtins), __builtins__.__dict__).
import builtins


def reverse_string(s):
    return "".join(getattr(builtins, "rev" + "ersed")(s))
