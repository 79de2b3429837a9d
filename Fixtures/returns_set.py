# expect: duplicates=wrong_answer flatten=wrong_answer
def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return dups


def flatten_list(nested):
    return {1, 2, 3}
