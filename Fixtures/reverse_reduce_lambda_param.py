# expect: reverse=time_limit_exceeded
# A real-world answer: its lambda parameter is called `reversed`, which is not
# the builtin, so no rule is broken. Prepending copies the string each time:
# O(n^2), out of time on the large inputs.
from functools import reduce


def reverse_string(s):
    return reduce(lambda reversed, char: char + reversed, s, '')
