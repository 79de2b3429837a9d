# expect: duplicates=passed
# The common answer that collects duplicates in a set and returns list(set).
def find_duplicates(items):
    seen = set()
    dups = set()
    for item in items:
        if item in seen:
            dups.add(item)
        seen.add(item)
    return list(dups)
