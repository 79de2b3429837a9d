# expect: duplicates=sandbox_violation
# Signals the worker: seccomp kills the job first. (Inside the worker's PID
# namespace the parent is its PID 1, which a SIGKILL from inside cannot end.)
import os
import signal

os.kill(os.getppid(), signal.SIGKILL)
