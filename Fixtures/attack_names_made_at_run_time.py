# expect: reverse=missing duplicates=missing
# Defines functions at load time under names it makes up then, from the
# strings it finds in memory (where a hidden test's input may be), through
# globals() and exec. The `missing` message names only what the source
# defines with def/class, read by the compile child (which holds no input):
# `dig` and `helper` here, never a name made at run time.
import gc


def dig():
    gc.unfreeze()
    found = []
    for o in gc.get_objects():
        for x in o if isinstance(o, (list, tuple)) else ():
            if isinstance(x, str) and 0 < len(x) < 40 and len(found) < 200:
                found.append(x)
    return found


def helper(*args):
    return None


for i, s in enumerate(dig()):
    globals()["leak_%d_%s" % (i, "".join(c if c.isalnum() else "_" for c in s))] = helper
exec("def made_by_exec():\n    pass\n")
