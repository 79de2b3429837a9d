# expect: duplicates=wrong_answer
# Floats near the duplicated big ints but never equal to them: float(x) when
# that rounds (float(2**63 + 1) is 2**63, a value of the input that is not a
# duplicate), the next float up when it is exact (2.0**70 + 2**18 for 2**70).
# Integral floats past 2**63 compare as the int of their value, no looser.
import math


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    out = []
    for x in dups:
        if type(x) is int and abs(x) > 2**53:
            f = float(x)
            x = f if f != x else math.nextafter(f, math.inf)
        out.append(x)
    return out
