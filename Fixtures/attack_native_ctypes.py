# expect: duplicates=runtime_error
# ctypes reads and writes any byte of the job child (the frame secret, the
# rule hooks' pointers) and calls any libc function the filter lets by. It
# cannot be imported in a job child (no-native-code: its _ctypes would have to
# be mapped executable, and the worker does not load it): the import raises
# ImportError while loading, so every test is runtime_error. Before the fix:
# passed (ctypes was pre-imported by the worker).
import ctypes

libc = ctypes.CDLL(None)


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)
