def reverse_string(s):
    """Code points from last to first, in O(n), with no slice step."""
    return "".join([s[i] for i in range(len(s) - 1, -1, -1)])
