# expect: duplicates=passed
# Connects to a listener on the machine's loopback (SandboxAttackTests runs
# one on port 47631 and checks that nothing arrives), to the outside, by UDP,
# and over a Unix socket. Every attempt fails, so the correct function is defined.
import socket

reached = []
for family, kind, address in (
    (socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", 47631)),
    (socket.AF_INET, socket.SOCK_STREAM, ("1.1.1.1", 80)),
    (socket.AF_INET6, socket.SOCK_STREAM, ("::1", 47631)),
    (socket.AF_INET, socket.SOCK_DGRAM, ("8.8.8.8", 53)),
    (socket.AF_UNIX, socket.SOCK_STREAM, "/run/systemd/private"),
    (socket.AF_UNIX, socket.SOCK_STREAM, "\0pygrade-abstract"),
):
    try:
        s = socket.socket(family, kind)
        s.settimeout(1)
        s.connect(address)
        s.send(b"pwned")
        reached.append(repr(address))
    except OSError:
        pass

def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


if reached:
    def find_duplicates(items):
        return ["reached"] + reached
