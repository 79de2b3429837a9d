# expect: duplicates=passed
# Tries to read what a job must not: the machine's secrets, the worker and
# grader (through /proc), the hidden tests and other candidates (through the
# worker's working directory, the package root). SandboxAttackTests checks
# that these exist. Each read fails, so the correct function is defined.
import os

TARGETS = [
    "/etc/shadow",
    "/etc/passwd",
    "/etc/hostname",
    "/proc/1/environ",
    "/proc/1/cmdline",
    "/proc/1/maps",
    "/proc/1/status",
    "/proc/1/exe",
    f"/proc/{os.getppid()}/cmdline",
    "/proc/self/exe",
    "/proc/1/cwd/Exercises/duplicates/exercise.yaml",
    "/proc/1/cwd/Exercises/duplicates/reference.py",
    "/proc/1/cwd/Fixtures/correct.py",
    "/proc/self/root/etc/passwd",
]
read = []
for path in TARGETS:
    try:
        with open(path, "rb") as f:
            if f.read(1) or True:
                read.append(path)
    except OSError:
        pass
for folder in ("/", "/etc", "/proc", "/proc/1/cwd", "/home", "/root", "/work"):
    try:
        os.listdir(folder)
        read.append(folder)
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


if read:
    def find_duplicates(items):
        return ["read"] + read
