def flatten_list(nested):
    """Return a new flat list of the leaves of nested, in order."""
    raise NotImplementedError
