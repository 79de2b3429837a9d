# expect: duplicates=passed|sandbox_violation
# A job child must not change the limits of another process. Its parent is
# the worker that forks every later job (PID 1 of the sandbox's PID
# namespace), of the same user, so prlimit() on it is allowed: lowering its
# open files or CPU below what the next job child sets for itself makes that
# child's set-up fail (the next candidate's grading ends with exit 3), and a
# lower RLIMIT_DATA, which job children inherit and never reset, silently
# turns the next candidate's tests into memory_limit_exceeded
# (IntegrityAttackTests shows all three in a batch). Here each call sets the
# worker's limit to what it already is, which harms nothing and succeeds
# only if the call is allowed: the answer is then wrong. Refused with an
# error, the answer is right (passed); the job may also be killed for it
# (sandbox_violation). Before the fix: wrong_answer.
import os
import resource

allowed = []
for name in ("RLIMIT_NOFILE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_NPROC"):
    limit = getattr(resource, name)
    try:
        resource.prlimit(os.getppid(), limit, resource.prlimit(os.getppid(), limit))
        allowed.append(name)
    except OSError:
        pass


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups) + allowed
