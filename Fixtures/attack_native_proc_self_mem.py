# expect: duplicates=passed
# /proc/self/mem writes through page protections: with it, plain Python
# rewrites any byte of its own process (here a bytes object, which is
# immutable; the job's code, the frame secret and the rule hooks the same
# way), native code without ctypes. Landlock keeps /proc out of a job's view,
# so the open fails; no-native-code is reported missing without Landlock
# (NativeCodeAttackTests grades this file with Landlock left out: there the
# write works and the answer is wrong). The correct function is defined only
# if the write failed.
import sys

target = bytes([65]) * 16  # made at run time, not a shared constant
wrote = False
try:
    with open("/proc/self/mem", "r+b", buffering=0) as mem:
        mem.seek(id(target) + sys.getsizeof(b"") - 1)  # PyBytesObject's ob_sval
        mem.write(b"pwned by /proc!!")
    wrote = target == b"pwned by /proc!!"
except OSError:
    pass


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)


if wrote:
    def find_duplicates(items):
        return ["wrote through /proc/self/mem"]
