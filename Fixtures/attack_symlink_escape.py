# expect: duplicates=passed
# Links out of scratch: symbolic links are resolved by the kernel and the
# target is checked, hard links across the private tmpfs fail. Nothing reads
# or writes through them, so the correct function is defined.
import os

escaped = []
for target in ("/etc/passwd", "/proc/1/cwd/Exercises/duplicates/exercise.yaml", "/var/tmp"):
    name = "link-" + str(len(escaped)) + os.path.basename(target)
    try:
        os.symlink(target, name)
    except OSError:
        continue
    try:
        with open(name, "rb") as f:
            f.read(1)
        escaped.append(target)
    except OSError:
        pass
try:
    os.symlink("/var/tmp", "dirlink")
    with open("dirlink/pygrade-attack-symlink", "w") as f:
        f.write("pwned")
    escaped.append("dirlink")
except OSError:
    pass
try:
    os.link("/etc/passwd", "hardlink")
    escaped.append("hardlink")
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


if escaped:
    def find_duplicates(items):
        return ["escaped"] + escaped
