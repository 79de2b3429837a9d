# expect: reverse=runtime_error
# The code guard (layer no-made-code) refuses the code object as the module
# loads; behind it, the subscript hook makes the slice a rule_violation
# (AttackRoundThreeTests grades this file both ways).
# s[::-1] compiled elsewhere and shipped as bytes: marshal.dumps of
# `def reverse_string(s): return s[::-1]` by CPython 3.11. No source, text
# or tree for the walker, and BUILD_SLICE calls no slice(): the subscript
# itself is the hit (rules_subscript.c).
import marshal
import types

reverse_string = types.FunctionType(
    marshal.loads(
        bytes.fromhex(
            "e30100000000000000000000000400000003000000f31800000097007c006400640064018503190000000000000000005300"
            "29024ee9ffffffffa9002901da0173730100000020fa083c737472696e673eda0e726576657273655f737472696e67720600"
            "00000300000073110000008000d80b0c88548854887288548c37804ef300000000"
        )
    ),
    globals(),
    "reverse_string",
)
