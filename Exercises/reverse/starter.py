def reverse_string(s):
    """Return s reversed, code point by code point."""
    raise NotImplementedError
