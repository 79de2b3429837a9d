# expect: reverse=sandbox_violation
# Writes the whole protocol itself while loading: LOADED, one RESULT per test
# (the right answer, with the argument digest the worker took, computed here:
# the value encoding and hash128 are public, encoder.c and hash128.c) and
# DONE, on fd 3, in the harness's order. Its `reverse_string` sleeps far past
# every test's limit, so none of the per-test CPU and wall limits would ever
# apply, and the mutation check would read the candidate's own digests. The
# test list was reached as attack_cache_test_list_swap.py reached it, until
# the gc guard (gc_guard.c) put it out of reach: the sequence then carries no
# result, and is forged all the same. Every
# frame of the harness's carries the child's secret, which Python cannot read:
# these carry a guess, and the first is forged. Before the secret (with none):
# passed, 20/20.
import gc
import os
import struct
import time

SECRET = bytes(16)  # a guess at the child's secret (CJobChild.h: 16 bytes after the kind)


def frame(kind, body=b""):
    return struct.pack("<I", 1 + len(SECRET) + len(body)) + kind + SECRET + body


def rev(s):
    return "".join([s[i] for i in range(len(s) - 1, -1, -1)])


M = (1 << 64) - 1
P0, P1, P2, P3 = 0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3


def mum(a, b):
    r = a * b
    return (r & M) ^ (r >> 64)


def hash128(data):  # hash128.c
    a, b = 0x243F6A8885A308D3, 0x13198A2E03707344
    full = len(data) // 16 * 16
    tail = bytearray(data[full:]) + bytes(16 - (len(data) - full))
    tail[15] ^= 0x80 | (len(data) - full)
    words = memoryview(bytes(data[:full]) + bytes(tail)).cast("Q")
    for i in range(0, len(words), 2):
        w0, w1 = words[i], words[i + 1]
        a = mum(a ^ w0 ^ P0, w1 ^ P1 ^ b)
        b = mum(b ^ w1 ^ P2, w0 ^ P3 ^ a)
    a = mum(a ^ len(data) ^ P1, b ^ P0)
    b = mum(b ^ P3, a ^ len(data) ^ P2)
    a = mum(a ^ P2, b ^ P1)
    return struct.pack("<QQ", a, b)


def head(out, tag, n):
    out.append(tag)
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return


def encode(v, out):  # encoder.c, recursively
    t = type(v)
    if v is None or v is True or v is False:
        out += {None: b"N", True: b"T", False: b"F"}[v]
    elif t is int:
        if -(1 << 63) <= v < (1 << 63):
            head(out, ord("i"), ((v << 1) ^ (v >> 63)) & M)
        else:
            s = hex(v).encode()
            head(out, ord("I"), len(s))
            out += s
    elif t is float:
        out += b"f" + struct.pack("<d", v)
    elif t is str or t is bytes:
        s = v.encode("utf-8", "surrogatepass") if t is str else v
        head(out, ord("s" if t is str else "b"), len(s))
        out += s
    elif t is list or t is tuple:
        head(out, ord("l" if t is list else "t"), len(v))
        for x in v:
            encode(x, out)
    return out


def the_tests():
    for o in gc.get_objects():
        if type(o) is list and o and all(type(t) is tuple and len(t) == 3 and type(t[1]) is tuple for t in o):
            if all(len(t[1]) == 1 and type(t[1][0]) is str for t in o):
                return o
    return []


gc.unfreeze()
found = the_tests()
sequence = frame(b"L")
for i, (_, args, kwargs) in enumerate(found):
    digest = hash128(encode((args, kwargs), bytearray()))
    value = bytes(encode(rev(args[0]), bytearray()))
    sequence += frame(b"r", struct.pack("<IB", i, 0) + digest + value)
os.write(3, sequence + frame(b"D"))


def reverse_string(s):
    time.sleep(10)  # far past every test's limit
    return rev(s)
