# expect: reverse=runtime_error|time_limit_exceeded
# The textbook recursive answer: RecursionError past ~1,000 characters, and
# O(n^2) copying before that.
def reverse_string(s):
    if len(s) <= 1:
        return s
    return reverse_string(s[1:]) + s[0]
