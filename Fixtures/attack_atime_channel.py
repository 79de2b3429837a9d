# expect: duplicates=passed
# Found by the attacker (round four): the normal run's child read standard
# library files to set their access time (relatime updates one that is a
# day old), one file per bit of a hidden input, and the visible-only run's
# child, started next, stat()ed them and printed what it decoded: every
# hidden test's input in the report. The module folders a job child may
# read are read-only mounts in its worker's mount namespace (the layer
# read-only-library), and a read-only mount updates no access time. This
# load checks it from inside the job: runtime_error if a folder is writable.
import os
import sys

for folder in (os.path.dirname(os.__file__), os.path.join(sys._stdlib_dir, "lib-dynload")):
    if os.path.isdir(folder) and not os.statvfs(folder).f_flag & os.ST_RDONLY:
        raise RuntimeError(folder + " is not read-only: reads there update access times")


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        seen.add(x)
    return list(dups)
