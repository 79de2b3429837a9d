def flatten_list(nested):
    return nested
