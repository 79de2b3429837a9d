# expect: duplicates=time_limit_exceeded
# Threads that spin and are never joined: their CPU counts, and they die with
# the job (no process of the suite is left running; see SandboxAttackTests).
import threading


def spin():
    while True:
        pass


for _ in range(4):
    threading.Thread(target=spin, daemon=True).start()
threading.Event().wait()
