# expect: duplicates=sandbox_violation
# While loading, forges the harness's frames on every descriptor: a set-up
# failure ('Z'), a rule-checker failure ('Q'), a load and a result.
import os

for frame in (b"\x05\x00\x00\x00Zboom", b"\x05\x00\x00\x00Qboom", b"\x01\x00\x00\x00L"):
    for fd in range(3, 64):
        try:
            os.write(fd, frame)
        except OSError:
            pass
