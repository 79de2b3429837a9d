# expect: duplicates=passed|runtime_error
# Leaves a tree 1,500 directories deep in scratch (the job's working
# directory, emptied after every job), with a Python file at the bottom. The
# worker's clean-up holds one descriptor per level while it descends, so with
# the common limit of 1,024 open files (or fewer: a job could lower its
# worker's, see attack_prlimit_worker.py) it gives up and the tree survives
# into the next candidate's job in that worker, which could read or run
# what was left there. Alone this file passes (it may also be stopped while
# building the tree: runtime_error); IntegrityAttackTests grades a correct
# candidate after it, in the same worker, that fails if scratch is not empty.
import os

if not os.path.exists("d"):  # each of its jobs builds it, unless an earlier one's is still there
    top = os.open(".", os.O_RDONLY)
    for _ in range(1500):
        os.mkdir("d")
        os.chdir("d")
    with open("planted.py", "w") as f:
        f.write("def find_duplicates(items):\n    return []\n")
    os.fchdir(top)
    os.close(top)


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)
