# expect: duplicates=sandbox_violation flatten=sandbox_violation reverse=sandbox_violation cache=sandbox_violation anagrams=sandbox_violation
# Descriptor games on the result channel (fd 3), one per exercise, each
# leaving the channel as it found it and returning the right answer. Each is
# what a takeover starts with (attack_result_fd_redirect.py: keep a copy of
# the channel, point fd 3 elsewhere so the harness's frames go astray, speak
# on the copy), so each must end the job: sandbox_violation. Before the fix:
# passed, all five.
import fcntl
import os
from collections import Counter

F_DUPFD, F_DUPFD_CLOEXEC = fcntl.F_DUPFD, fcntl.F_DUPFD_CLOEXEC
played = set()


def once(name):
    first = name not in played
    played.add(name)
    return first


def find_duplicates(items):
    if once("dup"):
        os.dup(3)  # a second handle on the channel, kept open
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)


def flatten_list(nested):
    if once("dup2 onto 3"):
        saved = os.dup(3)
        other = os.open("elsewhere", os.O_WRONLY | os.O_CREAT)
        os.dup2(other, 3)  # fd 3 is now a file...
        os.dup2(saved, 3)  # ...and the channel again
        os.close(saved)
        os.close(other)
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


def reverse_string(s):
    if once("close 3"):
        saved = os.dup(3)
        os.close(3)
        os.dup2(saved, 3, inheritable=False)  # dup3(saved, 3, O_CLOEXEC)
        os.close(saved)
    out, i = [], len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out)


def simple_cache(func):
    import functools

    if once("fcntl"):
        for cmd in (F_DUPFD, F_DUPFD_CLOEXEC):
            try:
                os.close(fcntl.fcntl(3, cmd, 100))  # a copy of the channel at 100 or above
            except OSError:
                pass
    memo = {}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        try:
            if key in memo:
                return memo[key]
        except TypeError:
            return func(*args, **kwargs)
        memo[key] = func(*args, **kwargs)
        return memo[key]

    return wrapper


def are_anagrams(a, b):
    if once("dup2 from 3"):
        os.close(os.dup2(3, 50))  # a copy of the channel at 50
    return Counter(a.replace(" ", "").casefold()) == Counter(b.replace(" ", "").casefold())
