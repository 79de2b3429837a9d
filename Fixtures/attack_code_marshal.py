# expect: reverse=passed
# Code from marshalled bytes: marshal.loads and marshal.load of a code
# object, alone or nested (a tuple, a list, a dict, a frozenset),
# _imp.get_frozen_object with data, and importlib's own _compile_bytecode
# called with a frame that names a real .pyc of the standard library's but
# bytes that are not its content (or a path through ".."). Each is refused
# in a job child: a ValueError outside an import, an ImportError inside one
# (the frame names a .pyc), with the job's words. What stays allowed: data
# without code, two objects read in turn from one file, and the real
# content of a standard library .pyc (what every import of a module not
# preloaded does). The correct function is defined only if all of that held.
import _imp
import importlib._bootstrap_external as _external
import importlib.util
import marshal
import os
import sys


def _sample():
    return 1


_code = _sample.__code__
_bytes = marshal.dumps(_code)
_real_path = importlib.util.cache_from_source(os.__file__)
with open(_real_path, "rb") as _f:
    _real = _f.read()


def _refused(make, kind):
    try:
        make()
    except kind as e:
        return "code objects cannot be made in a job" in str(e)
    except Exception:
        return False
    return False


def _load_from_file(data):
    path = os.path.join(os.getcwd(), "code.marshal")
    with open(path, "wb") as f:
        f.write(data)
    with open(path, "rb") as f:
        return marshal.load(f)


def _two_in_turn():
    path = os.path.join(os.getcwd(), "two.marshal")
    with open(path, "wb") as f:
        marshal.dump({"a": [1, 2.5]}, f)
        marshal.dump(("b", None), f)
    with open(path, "rb") as f:
        return marshal.load(f), marshal.load(f), f.read()


_all_refused = all(
    _refused(make, kind)
    for make, kind in (
        (lambda: marshal.loads(_bytes), ValueError),
        (lambda: marshal.loads(bytearray(_bytes)), ValueError),
        (lambda: marshal.loads(marshal.dumps((1, [{"k": frozenset([_code])}]))), ValueError),
        (lambda: marshal.loads(marshal.dumps({"a": (None, _code)})), ValueError),
        (lambda: _load_from_file(_bytes), ValueError),
        (lambda: _imp.get_frozen_object("x", _bytes), ImportError),
        (lambda: _external._compile_bytecode(memoryview(_bytes), name="os", bytecode_path=_real_path), ImportError),
        (
            lambda: _external._compile_bytecode(
                memoryview(_real)[16:], bytecode_path=os.path.join(sys._stdlib_dir, "..", os.path.basename(sys._stdlib_dir), _real_path[len(sys._stdlib_dir) + 1 :])
            ),
            ImportError,
        ),
    )
)
_fair = (
    marshal.loads(marshal.dumps({"a": [1, 2.5, "x", (None, b"y")]})) == {"a": [1, 2.5, "x", (None, b"y")]}
    and _two_in_turn() == ({"a": [1, 2.5]}, ("b", None), b"")
    and type(_external._compile_bytecode(memoryview(_real)[16:], name="os", bytecode_path=_real_path)) is type(_code)
    and type(_imp.get_frozen_object("zipimport")) is type(_code)
)


def reverse_string(s):
    if not (_all_refused and _fair):
        return f"refused: {_all_refused}, fair uses work: {_fair}"
    out = []
    i = len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)
