# expect: reverse=passed
# code.replace(co_code=..., co_consts=...) turns a checked function's code
# into bytes of the candidate's choosing: the round-four attack made
# LOAD_CONST run past co_consts into a fake bytearray over all memory and
# switched the run-time rules off (CodeGuardAttackTests has it whole). A job
# child refuses replace(), however it is reached (the bound method, the
# type's method descriptor, a partial, a pickle's REDUCE). The refusal is
# the proof: the correct function is defined only if every way was refused.
import functools
import pickle
import types


def _template():
    return None


_code = _template.__code__


def _refused(make):
    try:
        make()
    except RuntimeError as e:
        return "code objects cannot be made in a job" in str(e)
    return False


_all_refused = all(
    _refused(make)
    for make in (
        lambda: _code.replace(co_consts=(None, 1)),
        lambda: types.CodeType.replace(_code, co_code=_code.co_code),
        lambda: _code.replace(),
        lambda: functools.partial(_code.replace, co_stacksize=9)(),
        # getattr(getattr(copyreg._reconstructor, "__code__"), "replace")()
        lambda: pickle.loads(b"cbuiltins\ngetattr\n(cbuiltins\ngetattr\n(ccopyreg\n_reconstructor\nV__code__\ntRVreplace\ntR(tR."),
    )
)
_code_still_runs = _template() is None


def reverse_string(s):
    if not (_all_refused and _code_still_runs):
        return "the job replaced a code object's bytes"
    out = []
    i = len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)
