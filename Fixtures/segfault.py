# expect: duplicates=runtime_error flatten=runtime_error
# A NULL read through ctypes, and a C stack overflow after raising the
# recursion limit: both kill the child with SIGSEGV, never the grader.
import sys


def find_duplicates(items):
    import ctypes
    return ctypes.string_at(0)


class Endless:
    # repr() recurses through C (PyObject_Repr), so with the recursion
    # limit out of the way this overflows the C stack.
    def __repr__(self):
        return repr(Endless())


def flatten_list(nested):
    sys.setrecursionlimit(10**9)
    return repr(Endless())
