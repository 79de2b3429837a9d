# expect: duplicates=sandbox_violation
# Takes over the result channel to hide that it destroys its input. The
# answer consumes its list (pop until empty): graded plainly, that is
# wrong_answer ("modified its input"; see mutates_input.py). Here each call
# first computes the digest the worker took of the arguments before the
# call (the value encoding and the 128-bit hash are public: encoder.c,
# hash128.c), then consumes the list, writes its own result frame ('r':
# index, kind, peak, CPU, pre-call digest, encoded result) on fd 3, and points
# fd 3 at a file (dup2) so that the harness's own frame, with the digest of
# the emptied list, goes there; the next call puts the channel back from a
# dup() of fd 3. Descriptor games on the channel must end the job
# (sandbox_violation). Before the fix: passed.
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


calls = 0
saved = sink = None


def find_duplicates(items):
    global calls, saved, sink
    index, calls = calls, calls + 1
    if saved is None:
        saved = os.dup(3)
        sink = os.open("swallowed", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(saved, 3)  # the channel again: the harness's last frame went to the file
    digest = hash128(encode(((items,), None), bytearray()))
    seen, dups = set(), set()
    while items:  # the answer destroys its input
        x = items.pop()
        (dups if x in seen else seen).add(x)
    result = list(dups)
    body = bytes(encode(result, bytearray()))
    frame = b"r" + struct.pack("<IBII", index, 0, 10000, 0) + digest + body
    os.write(3, struct.pack("<I", len(frame)) + frame)
    os.dup2(sink, 3)  # the harness's frame for this test goes to the file
    return result
