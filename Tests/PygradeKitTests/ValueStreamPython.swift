/// The value stream of CPygradeSupport.h, written in Python as encoder.c
/// writes it: the tests that hold pygrade to python3 (EqualityTests,
/// PyReprTests) encode their values with it.
enum ValueStreamPython {
    static let encoder = #"""
        def varint(n):
            out = bytearray()
            while True:
                b = n & 0x7F
                n >>= 7
                out.append(b | (0x80 if n else 0))
                if not n:
                    return bytes(out)

        # The value stream of CPygradeSupport.h, as encoder.c writes it.
        def enc(v, out):
            t = type(v)
            if v is None: out += b"N"
            elif v is True: out += b"T"
            elif v is False: out += b"F"
            elif t is int:
                if -2**63 <= v < 2**63:
                    out += b"i" + varint(((v << 1) ^ (v >> 63)) & (2**64 - 1))
                else:
                    h = hex(v).encode()
                    out += b"I" + varint(len(h)) + h
            elif t is float: out += b"f" + struct.pack("<d", v)
            elif t is str:
                b = v.encode("utf-8", "surrogatepass")
                out += b"s" + varint(len(b)) + b
            elif t is bytes: out += b"b" + varint(len(v)) + v
            elif t in (list, tuple, set, frozenset):
                out += {list: b"l", tuple: b"t", set: b"S", frozenset: b"z"}[t] + varint(len(v))
                for x in v: enc(x, out)
            elif t is dict:
                out += b"d" + varint(len(v))
                for k, x in v.items():
                    enc(k, out)
                    enc(x, out)
            else:
                raise TypeError(t)
            return out
        """#
}
