# expect: duplicates=runtime_error
# The recursion limit out of the way, repr() recurses through C until the C
# stack overflows (SIGSEGV).
import sys


class Endless:
    def __repr__(self):
        return repr(Endless())


sys.setrecursionlimit(10**9)
repr(Endless())
