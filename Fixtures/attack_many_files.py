# expect: duplicates=passed
# Many small files in scratch: the private tmpfs runs out of inodes or space
# and says so (OSError), and nothing of it outlives the job. (Without a mount
# namespace, scratch is a plain folder and the load runs out of CPU time
# first: time_limit_exceeded, which `pygrade doctor` explains.)
import os

made = 0
try:
    for i in range(1000000):
        with open(f"f{i}", "w") as f:
            f.write("x")
        made += 1
except OSError:
    pass

def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


if made >= 1000000:
    def find_duplicates(items):
        return ["unbounded"]
