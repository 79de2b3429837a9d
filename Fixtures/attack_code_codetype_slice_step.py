# expect: reverse=runtime_error
# The code guard (layer no-made-code) refuses the code object as the module
# loads; behind it, the subscript hook makes the slice a rule_violation
# (AttackRoundThreeTests grades this file both ways).
# s[::-1] as a code object built from bytecode at run time (types.CodeType):
# no source, no text, no tree for the walker, and BUILD_SLICE calls no
# slice(). The subscript itself is a hit (rules_subscript.c).
import opcode
import types

_op = opcode.opmap
_cache = [0, 0] * opcode._inline_cache_entries[_op["BINARY_SUBSCR"]]
_code = bytes(
    [_op["RESUME"], 0, _op["LOAD_FAST"], 0, _op["LOAD_CONST"], 0, _op["LOAD_CONST"], 0, _op["LOAD_CONST"], 1]
    + [_op["BUILD_SLICE"], 3, _op["BINARY_SUBSCR"], 0]
    + _cache
    + [_op["RETURN_VALUE"], 0]
)
reverse_string = types.FunctionType(
    types.CodeType(1, 0, 0, 1, 4, 3, _code, (None, -1), (), ("s",), __file__, "reverse_string", "reverse_string", 1, b"", b""),
    globals(),
)
