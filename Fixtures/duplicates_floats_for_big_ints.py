# expect: duplicates=passed
# Each duplicated int returned as the float of the same value, when there is
# one (2.0**70 for 2**70, 1.0 for 1): equal by Python ==, so correct, also
# past 2**63 where the int travels as text and the float as 8 bytes.
def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    out = []
    for x in dups:
        if type(x) is int:
            try:
                if float(x) == x:
                    x = float(x)
            except OverflowError:
                pass
        out.append(x)
    return out
