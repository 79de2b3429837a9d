# expect: duplicates=sandbox_violation
# While loading, forges the frame in which a submission's first job hands the
# worker its compiled code ('K'), with code of its own choosing: were it
# taken, the submission's other exercises would load that code instead of
# this file. The worker takes 'K' only as a job's very first frame, before
# any candidate code runs; here it is forged, and the job ends there.
import marshal
import os

code = marshal.dumps(compile("def find_duplicates(items):\n    return ['forged']\n", "forged.py", "exec"))
frame = (1 + len(code)).to_bytes(4, "little") + b"K" + code
os.write(3, frame)


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)
