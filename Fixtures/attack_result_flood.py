# expect: anagrams=output_limit_exceeded
# Floods the result channel with well-formed frames: a result frame for each
# anagrams test (so each is taken), the first twelve of 64 MiB, the most one
# frame may hold, then the job's last frame and an exit. The worker keeps
# every body and the orchestrator the whole reply: 768 MiB sent, gigabytes
# held (24 such frames took the orchestrator past 4 GiB, to exit 3 with no
# report). What a job sends must be capped in total as it arrives, and the
# job ended past the cap: output_limit_exceeded (IntegrityAttackTests checks
# that no process of the grader grows past 512 MiB meanwhile).
import os
import struct

BIG = bytes(64 << 20)


def send(kind, head=b"", body=b""):
    os.write(3, struct.pack("<I", 1 + len(head) + len(body)) + kind + head)
    view = memoryview(body)
    while view:
        view = view[os.write(3, view):]


def are_anagrams(a, b):
    for index in range(24):
        # 'r': u32 index, u8 kind (0: a value), u32 peak KiB, u32 harness CPU µs,
        # the 16-byte argument digest, then the value (here: garbage, or False)
        send(b"r", struct.pack("<IBII", index, 0, 0, 0) + bytes(16), BIG if index < 12 else b"F")
    send(b"D")
    os._exit(0)
