# expect: duplicates=runtime_error
# System V IPC outlives the process that made it: a message queue or a shared
# memory segment left by one job could be read by the next candidate's job in
# the same worker (two candidates passing a solution along). Creating either
# fails (seccomp), so the correct function was defined (passed); Python has no
# call for them but through ctypes, which no longer imports in a job child
# (no-native-code): the load fails with ImportError, runtime_error.
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
IPC_CREAT, IPC_RMID = 0o1000, 0
KEY = 0x5079_6772  # "Pygr"

made = []
queue = libc.msgget(KEY, IPC_CREAT | 0o600)
if queue >= 0:
    made.append("message queue")
    libc.msgctl(queue, IPC_RMID, None)
segment = libc.shmget(KEY, 4096, IPC_CREAT | 0o600)
if segment >= 0:
    made.append("shared memory")
    libc.shmctl(segment, IPC_RMID, None)
semaphores = libc.semget(KEY, 1, IPC_CREAT | 0o600)
if semaphores >= 0:
    made.append("semaphores")
    libc.semctl(semaphores, 0, IPC_RMID)


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)


if made:
    def find_duplicates(items):
        return ["made"] + made
