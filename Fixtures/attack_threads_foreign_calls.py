# expect: duplicates=time_limit_exceeded|runtime_error
# Two threads in C calls that release the GIL (zlib.crc32 of 8 MiB; ctypes,
# the first version, no longer imports in a job child) run on two cores at once: CPU time runs twice as fast as the clock. The
# worker sleeps until the CPU budget left could be used up at one core's pace
# and looks at the CPU only then, so a test that burns 1.4 s of CPU in a 1 s
# test within 0.7 s of wall time, and returns, is taken as passed. The first
# test's answer is right only if the threads did get more CPU than the limit
# (time.process_time), so `passed` shows the hole; the fix must make it
# time_limit_exceeded (or runtime_error, should threads be refused).
import threading
import time
import zlib

LIMIT = 1.0  # duplicates' CPU seconds per test


def burn(t0, until):
    data = bytes(8 << 20)
    while time.process_time() - t0 < until:
        zlib.crc32(data)  # a C call that releases the GIL


burned = []


def find_duplicates(items):
    if not burned:
        t0 = time.process_time()
        threads = [threading.Thread(target=burn, args=(t0, LIMIT * 1.4)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        burned.append(time.process_time() - t0)
        if burned[0] <= LIMIT:
            return ["the threads did not outrun the CPU limit"]
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)
