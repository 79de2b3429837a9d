def simple_cache(func):
    """Return a memoising wrapper of func (see prompt.md)."""
    raise NotImplementedError
