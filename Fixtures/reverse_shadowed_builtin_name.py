# expect: reverse=passed
# A local called `reversed` shadows the builtin: no rule is broken. O(n).
def reverse_string(s):
    reversed = [""] * len(s)
    for i, char in enumerate(s):
        reversed[len(s) - 1 - i] = char
    return "".join(reversed)
