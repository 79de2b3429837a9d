# expect: duplicates=passed
# Prints invalid UTF-8, NUL bytes and terminal escapes on both streams; the
# report stays valid JSON and the answer is right.
import os
import sys

sys.stdout.buffer.write(b"\xff\xfe\x00\x1b[31m bytes \x00\n")
os.write(2, b"\xc3\x28 \x00 \x1b]0;title\x07\n")


def find_duplicates(items):
    print("\udcff" if False else "\x00\x1b[2J", "ok")
    os.write(1, b"\xf0\x28\x8c\x28\x00")
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)
