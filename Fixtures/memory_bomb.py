# expect: duplicates=memory_limit_exceeded flatten=passed
# duplicates grabs 50 MiB per step forever; flatten in the same file is fine.
def find_duplicates(items):
    hoard = []
    while True:
        hoard.append(bytearray(50 * 1024 * 1024))


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
