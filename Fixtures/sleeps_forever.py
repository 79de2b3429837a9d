# expect: duplicates=time_limit_exceeded
# time.sleep burns no CPU: only the wall-clock limit can end it. It sleeps on
# the large inputs only, so the suite pays three wall limits, not fifteen.
import time


def find_duplicates(items):
    if len(items) >= 1000:
        time.sleep(3600)
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)
