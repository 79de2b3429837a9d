# expect: reverse=passed
# types.CodeType(...) builds a code object from bytes of the candidate's
# choosing: here LOAD_CONST 5 over a one-constant tuple, which CPython 3.11
# does not bounds-check (it would read past the tuple; never run here). A
# job child refuses to make it, however CodeType is reached (the type's
# __new__, type.__call__, copyreg, a pickle). The refusal is the proof: the correct
# function is defined only if every way was refused, with the job's words.
import copyreg
import pickle
import types

_BYTES = bytes([151, 0, 100, 5, 83, 0])  # RESUME; LOAD_CONST 5; RETURN_VALUE
_ARGS = (0, 0, 0, 0, 1, 3, _BYTES, (None,), (), (), "x.py", "x", "x", 1, b"", b"")


def _refused(make):
    try:
        make()
    except RuntimeError as e:
        return "code objects cannot be made in a job" in str(e)
    return False


_all_refused = all(
    _refused(make)
    for make in (
        lambda: types.CodeType(*_ARGS),
        lambda: types.CodeType.__new__(types.CodeType, *_ARGS),
        lambda: type.__call__(types.CodeType, *_ARGS),
        lambda: copyreg.__newobj__(types.CodeType, *_ARGS),
        # a pickle's REDUCE of types.CodeType with the same arguments
        lambda: pickle.loads(
            b"ctypes\nCodeType\n(I0\nI0\nI0\nI0\nI1\nI3\nC\x06\x97\x00d\x05S\x00(Nt(t(tVx.py\nVx\nVx\nI1\nC\x00C\x00tR."
        ),
    )
)


def reverse_string(s):
    if not _all_refused:
        return "the job made a code object from bytes"
    out = []
    i = len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)
