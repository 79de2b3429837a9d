# expect: duplicates=passed
# A fork bomb: every fork fails (seccomp answers EPERM), so nothing spawns and
# the correct function below is defined. Had a fork succeeded, the children
# would spin (and be caught by SandboxAttackTests) and every answer is wrong.
import os

forked = 0
for _ in range(200):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        while True:
            pass
    forked += 1
try:
    os.posix_spawn("/bin/true", ["true"], {})
    forked += 1
except OSError:
    pass
if os.system("true") == 0:
    forked += 1

def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


if forked:
    def find_duplicates(items):
        return ["forked"]
