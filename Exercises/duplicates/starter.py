def find_duplicates(items):
    """Return a list of the values that occur more than once in items."""
    raise NotImplementedError
