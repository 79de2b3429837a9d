# expect: duplicates=sandbox_violation
# Writes every result frame itself, in order, and exits before the harness
# can send one: no descriptor game at all, only writes to fd 3. The answer
# destroys its input (pop until empty), which graded plainly is wrong_answer
# ("modified its input"). On its first call it finds the exercise's test list
# in memory (gc), and for each test computes the digest the worker took of
# the arguments before any call (encoder.c, hash128.c are public), runs the
# destructive answer on the real input, and writes a well-formed result frame
# with that digest; then the job's last frame ('D') and os._exit(0). Frames
# the candidate wrote must never be taken for the harness's: sandbox_violation.
# Before the fix: passed.
import gc
import os
import struct

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
    elif t is set or t is frozenset:
        head(out, ord("S" if t is set else "z"), len(v))
        for x in reversed(list(v)):  # pushed in table order, popped in reverse
            encode(x, out)
    return out



def consume(items):
    seen, dups = set(), set()
    while items:
        x = items.pop()
        (dups if x in seen else seen).add(x)
    return list(dups)


def frame(kind, body):
    return struct.pack("<I", 1 + len(body)) + kind + body


def find_duplicates(items):
    gc.unfreeze()
    tests = next(  # the harness's list of (probe, args, kwargs), holding this very input
        o for o in gc.get_objects()
        if type(o) is list and o and all(type(t) is tuple and len(t) == 3 for t in o)
        and any(t[1] and t[1][0] is items for t in o)
    )
    start = next(i for i, t in enumerate(tests) if t[1][0] is items)
    for index in range(start, len(tests)):
        args = tests[index][1]
        digest = hash128(encode((args, None), bytearray()))
        body = bytes(encode(consume(args[0]), bytearray()))
        os.write(3, frame(b"r", struct.pack("<IBII", index, 0, 10000, 0) + digest + body))
    os.write(3, frame(b"D", b""))
    os._exit(0)
