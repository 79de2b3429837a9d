# expect: duplicates=passed
# Extension modules that hand out raw memory or C-level access (_testcapi,
# _testinternalcapi, mmap, _posixshmem, ...), each of which the Landlock view
# of the stdlib used to let a job child load (only _ctypes needed libffi, out
# of view). None can be loaded in a job child (no-native-code), and each fails
# as a plain ImportError, which the code may catch. The correct function is
# defined only if every import failed that way; before the fix: wrong_answer.
loaded = []
for name in (
    "_ctypes", "_testcapi", "_testinternalcapi", "_testbuffer", "_testmultiphase", "_xxsubinterpreters",
    "_xxtestfuzz", "mmap", "_posixshmem", "_multiprocessing", "xxlimited", "_ctypes_test",
):
    try:
        __import__(name)
        loaded.append(name)
    except ImportError:
        pass
    except BaseException as e:  # anything else than ImportError is a finding too
        loaded.append(f"{name}: {type(e).__name__}")


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)


if loaded:
    def find_duplicates(items):
        return ["loaded"] + loaded
