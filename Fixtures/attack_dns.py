# expect: duplicates=passed
# Resolves names: no resolver configuration is readable and no socket can be
# made, so resolution fails at once (no hang) and the correct function is defined.
import socket

resolved = []
for name in ("example.com", "localhost", "pygrade.invalid"):
    try:
        socket.getaddrinfo(name, 80)
        resolved.append(name)
    except (OSError, UnicodeError):
        pass

def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


if "example.com" in resolved:
    def find_duplicates(items):
        return ["resolved"] + resolved
