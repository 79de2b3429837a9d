def find_duplicates(items):
    """Each value that occurs more than once, once, in O(n)."""
    seen = set()
    duplicates = set()
    for item in items:
        if item in seen:
            duplicates.add(item)
        else:
            seen.add(item)
    return list(duplicates)
