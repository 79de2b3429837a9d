# expect: reverse=passed
# CPU banking: a job child runs its exercise's tests one after another and
# its zygote built every test's input, so the first test (an empty string)
# has a second of CPU to spare for the last one's answer, if it can reach
# that input. Every door of the collector's and the frames' is tried for
# the large hidden inputs (a million characters): gc.unfreeze() (the zygote
# froze them), gc.get_objects() with and without a generation,
# gc.get_referrers() of what the test holds, gc.get_referents() from
# sys.modules, gc.freeze()/collect(), sys._getframe() walks. The function is
# right only if none of them found one: `passed` is the proof. Before the
# gc guard (gc_guard.c): wrong_answer.
import gc
import sys

found = []


def _later_inputs(given):
    gc.unfreeze()
    roots = list(gc.get_objects())
    for generation in range(3):
        roots += gc.get_objects(generation=generation)
    gc.collect()
    roots += gc.get_objects()
    gc.freeze()
    gc.unfreeze()
    roots += gc.get_objects()
    roots += gc.get_referrers(given) + gc.get_referents(sys.modules) + list(sys.modules.values())
    frame = sys._getframe()
    while frame is not None:
        roots += [frame.f_locals, frame.f_globals, frame.f_builtins]
        frame = frame.f_back
    seen, stack = set(), roots
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        if type(o) is str and len(o) >= 300_000:
            return True
        if type(o) in (tuple, list):
            stack.extend(o)
        elif type(o) is dict:
            stack.extend(o.values())
        elif type(o).__name__ == "module":
            stack.append(vars(o))
    return False


def reverse_string(s):
    if not found:
        found.append(_later_inputs(s))
    out, i = [], len(s) - 1
    while i >= 0:
        out.append(s[i])
        i -= 1
    return "".join(out) + ("found a later test's input" if found[0] else "")
