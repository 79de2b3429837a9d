# expect: duplicates=sandbox_violation flatten=sandbox_violation reverse=sandbox_violation cache=sandbox_violation anagrams=passed
# The result channel (fd 3) is a socket: the socket calls that would change
# it or speak on it other than by write end the job, one per exercise, each
# returning the right answer: shutdown (the channel ended, as a close
# would), setsockopt (its buffers under the harness), sendmsg with a
# descriptor (SCM_RIGHTS), send (sendto). Reading it is harmless: the
# worker's end never speaks, so the child's end reads end-of-file
# (anagrams: passed). The socket object is detached, never closed (close on
# fd 3 is its own kill).
import array
import socket
from collections import Counter

played = set()


def once(name):
    first = name not in played
    played.add(name)
    return first


def on_channel(game):
    s = socket.socket(fileno=3)
    try:
        return game(s)
    finally:
        s.detach()


def find_duplicates(items):
    if once("shutdown"):
        on_channel(lambda s: s.shutdown(socket.SHUT_WR))
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)


def flatten_list(nested):
    if once("setsockopt"):
        on_channel(lambda s: s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20))
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
    if once("sendmsg"):
        on_channel(lambda c: c.sendmsg([b""], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0]))]))
    return "".join(s[i] for i in range(len(s) - 1, -1, -1))


def simple_cache(func):
    if once("send"):
        on_channel(lambda s: s.send(b""))
    memo = {}

    def wrapper(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = func(*args, **kwargs)
        return memo[key]

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapper.__wrapped__ = func
    return wrapper


def are_anagrams(a, b):
    if once("recv"):
        assert on_channel(lambda s: s.recv(100)) == b"", "the channel spoke"
    return Counter(a.replace(" ", "").casefold()) == Counter(b.replace(" ", "").casefold())
