def helper(items):
    counts = {}
    for x in items:
        counts[x] = counts.get(x, 0) + 1
    return counts


def find_dupes(items):
    return [x for x, n in helper(items).items() if n > 1]


def reverse_string(s):
    return "".join(s[i] for i in range(len(s) - 1, -1, -1))
