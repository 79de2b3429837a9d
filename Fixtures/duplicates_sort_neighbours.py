# expect: duplicates=runtime_error
# Sorting first needs comparable items: None and str do not compare.
def find_duplicates(items):
    ordered = sorted(items)
    dups = []
    for i in range(1, len(ordered)):
        if ordered[i] == ordered[i - 1] and (not dups or dups[-1] != ordered[i]):
            dups.append(ordered[i])
    return dups
