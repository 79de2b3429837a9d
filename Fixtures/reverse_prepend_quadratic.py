# expect: reverse=time_limit_exceeded
# Prepending copies the whole string each time: O(n^2) on a million characters.
def reverse_string(s):
    out = ""
    for ch in s:
        out = ch + out
    return out
