# expect: duplicates=passed|sandbox_violation
# A job child must not change how another process is scheduled. Its parent,
# the worker, forks every later job child, which inherits its nice value,
# CPU affinity and policy: renicing it to 19, pinning it to one core or
# making it SCHED_IDLE slows every later candidate of that worker on a busy
# machine, into wall-clock time limits. Each call here sets the worker's
# setting to what it already is, which harms nothing and succeeds only if the
# call is allowed: the answer is then wrong. Refused with an error, the
# answer is right (passed); the job may also be killed for it
# (sandbox_violation). Before the fix: wrong_answer.
import os

worker = os.getppid()
allowed = []
for name, change in (
    ("setpriority", lambda: os.setpriority(os.PRIO_PROCESS, worker, os.getpriority(os.PRIO_PROCESS, worker))),
    ("sched_setaffinity", lambda: os.sched_setaffinity(worker, os.sched_getaffinity(worker))),
    ("sched_setscheduler", lambda: os.sched_setscheduler(worker, os.sched_getscheduler(worker), os.sched_getparam(worker))),
):
    try:
        change()
        allowed.append(name)
    except OSError:
        pass


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups) + allowed
