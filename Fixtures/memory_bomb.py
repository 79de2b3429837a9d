# expect: duplicates=memory_limit_exceeded flatten=passed
# duplicates grabs 50 MiB per step forever; flatten in the same file is fine.
# bytes(n) takes its zeros from calloc: address space, with no page touched.
# A bomb that writes every page (attack_memory_bomb.py) spends CPU on page
# faults, in a loaded virtual machine much of its CPU limit, and then ends by
# whichever limit it reaches first.
def find_duplicates(items):
    hoard = []
    while True:
        hoard.append(bytes(50 * 1024 * 1024))


def flatten_list(nested):
    out, stack = [], [iter(nested)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out
