# expect: duplicates=sandbox_violation
# Writes a forged result frame on every descriptor it can find.
import os


def find_duplicates(items):
    for fd in range(3, 64):
        try:
            os.write(fd, b"\xff\xff\xff\x7f" + b"r" * 64)
        except OSError:
            pass
    return []
