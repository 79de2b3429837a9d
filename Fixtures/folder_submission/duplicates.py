from collections import Counter


def find_duplicates(items):
    return [value for value, count in Counter(items).items() if count > 1]
