# expect: reverse=passed
# A .pyc written into scratch and imported: importlib unmarshals it
# (_compile_bytecode -> marshal.loads), so any bytecode the candidate writes
# there would run (zipimport's too). Each way in is refused, with an
# ImportError in the job's words: a sourceless module (x.pyc on sys.path),
# a module whose __pycache__ entry matches its source's size and time (the
# source says otherwise; importlib does not fall back to it), and a .pyc in
# a zip on sys.path. The correct function is defined only if no import ran
# the .pyc.
import importlib
import importlib._bootstrap_external as _external
import os
import sys
import zipfile

_here = os.path.join(os.getcwd(), "pyc")
os.makedirs(os.path.join(_here, "__pycache__"), exist_ok=True)
_pyc = compile("VALUE = 'from the .pyc'", "module.py", "exec")

with open(os.path.join(_here, "sourceless.pyc"), "wb") as _f:
    _f.write(_external._code_to_timestamp_pyc(_pyc, 0, 0))

_source = os.path.join(_here, "cached.py")
with open(_source, "w") as _f:
    _f.write("VALUE = 'from the source'\n")
_st = os.stat(_source)
with open(_external.cache_from_source(_source), "wb") as _f:
    _f.write(_external._code_to_timestamp_pyc(_pyc, int(_st.st_mtime), _st.st_size))

_zip = os.path.join(_here, "bundle.zip")
with zipfile.ZipFile(_zip, "w") as _z:
    _z.writestr("zipped.pyc", _external._code_to_timestamp_pyc(_pyc, 0, 0))

sys.path[:0] = [_here, _zip]
importlib.invalidate_caches()


def _refused(name):
    try:
        importlib.import_module(name)
    except ImportError as e:
        return "code objects cannot be made in a job" in str(e)
    return False


_all_refused = _refused("sourceless") and _refused("cached") and _refused("zipped")


def reverse_string(s):
    if not _all_refused:
        return "a .pyc from scratch was imported"
    out = []
    i = len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)
