# expect: reverse=runtime_error
# The code guard (layer no-made-code) refuses the code object as the module
# loads; behind it, the subscript hook makes the slice a rule_violation
# (AttackRoundThreeTests grades this file both ways).
# A function the walker checked (it returns a tuple) whose code is replaced
# at run time (code.replace: new co_consts, and the tuple built as a slice
# with a step and subscripted): s[::-1] without a slice in any source.
import opcode

_op = opcode.opmap


def reverse_string(s):
    return (s, 0, 1, 2)


_old = reverse_string.__code__.co_code
_new = _old.replace(bytes([_op["BUILD_TUPLE"], 4]), bytes([_op["BUILD_SLICE"], 3]))
_new = _new[: _new.index(bytes([_op["BUILD_SLICE"], 3])) + 2]
_new += bytes([_op["BINARY_SUBSCR"], 0] + [0, 0] * opcode._inline_cache_entries[_op["BINARY_SUBSCR"]] + [_op["RETURN_VALUE"], 0])
reverse_string.__code__ = reverse_string.__code__.replace(co_code=_new, co_consts=(None, None, None, -1), co_linetable=b"")
