# expect: duplicates=runtime_error flatten=runtime_error
# A segfault (faulthandler's, as ctypes cannot be imported in a job child),
# and a C stack overflow after raising the recursion limit: both kill the
# child with SIGSEGV, never the grader.
import sys


def find_duplicates(items):
    import faulthandler
    import signal

    signal.signal(signal.SIGSEGV, signal.SIG_DFL)  # the runtime's handler returns from a raised one
    return faulthandler._sigsegv()


class Endless:
    # repr() recurses through C (PyObject_Repr), so with the recursion
    # limit out of the way this overflows the C stack.
    def __repr__(self):
        return repr(Endless())


def flatten_list(nested):
    sys.setrecursionlimit(10**9)
    return repr(Endless())
