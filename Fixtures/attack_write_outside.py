# expect: duplicates=passed
# Tries to write outside its scratch folder; SandboxAttackTests checks that
# none of these files exists afterwards. Writing in scratch (the working
# directory) works. Each outside write fails, so the correct function is defined.
import os

TARGETS = [
    "/var/tmp/pygrade-attack-write-outside",
    "/dev/shm/pygrade-attack-write-outside",
    "/proc/1/cwd/pygrade-attack-write-outside",
    "/root/pygrade-attack-write-outside",
    "/etc/pygrade-attack-write-outside",
]
written = []
for path in TARGETS:
    try:
        with open(path, "w") as f:
            f.write("pwned")
        written.append(path)
    except OSError:
        pass
with open("in-scratch.txt", "w") as f:
    f.write("fine")
with open("in-scratch.txt") as f:
    in_scratch = f.read() == "fine"

def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


if written or not in_scratch:
    def find_duplicates(items):
        return ["wrote"] + written
