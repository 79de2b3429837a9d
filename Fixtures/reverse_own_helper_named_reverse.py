# expect: reverse=passed
# A fair answer whose own helper is called `reverse`: only the standard
# library's functions of a forbidden name are hits at run time, not the
# candidate's own.
def reverse(chars):
    i, j = 0, len(chars) - 1
    while i < j:
        chars[i], chars[j] = chars[j], chars[i]
        i, j = i + 1, j - 1
    return chars


def reverse_string(s):
    return "".join(reverse(list(s)))
