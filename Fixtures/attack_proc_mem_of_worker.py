# expect: duplicates=passed
# Opens /proc/PID/mem of every other process it can name: the worker's base
# and its zygotes (each holding an exercise's inputs) are PIDs 1 to a few of
# the worker's PID namespace. Landlock hides /proc from a job child; without
# it, the worker and its zygotes are not dumpable and the job holds no
# capability, so none opens. Defines the right answer only if none did.
import os

opened = []
for pid in range(1, 64):
    if pid == os.getpid():
        continue
    try:
        with open(f"/proc/{pid}/mem", "rb"):
            opened.append(pid)
    except OSError:
        pass


def find_duplicates(items):
    if opened:
        return ["opened", opened]
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)
