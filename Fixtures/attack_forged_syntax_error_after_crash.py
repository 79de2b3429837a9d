# expect: duplicates=sandbox_violation
# A forged syntax-error frame from a respawned child. The first test crashes
# the job's first child (os._exit), so the worker starts a second child at the
# next test. That child does not report compiling (the worker knows the code
# compiles): the first frame it sends is whatever the module's top level
# writes into the result channel, here a syntax-error frame ('X': u32 length,
# 'X', u32 line, text) quoting the hidden inputs it found in memory. The
# worker takes 'X' as any child's first frame; it must be refused as forged
# (sandbox_violation) and its text shown nowhere. Before the fix: graded
# syntax_error, with the hidden inputs in the message.
import gc
import os
import struct

# Scratch is emptied between jobs, not between the children of one job: the
# file tells the respawned child from the first.
if os.path.exists("crashed-once"):
    gc.unfreeze()
    hidden = []
    for o in gc.get_objects():
        if type(o) is list and o and all(type(t) is tuple and len(t) == 3 and type(t[1]) is tuple for t in o):
            hidden += [t[1][0] for t in o if t[1] and type(t[1][0]) is list and len(t[1][0]) < 20]
    text = ("SyntaxError: the hidden inputs are " + repr(hidden))[:900].encode()
    os.write(3, struct.pack("<I", 5 + len(text)) + b"X" + struct.pack("<I", 1) + text)
else:
    open("crashed-once", "w").close()


def find_duplicates(items):
    if not items:  # the first test (empty-list): end the first child
        os._exit(0)
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)
