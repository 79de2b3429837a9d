# expect: duplicates=sandbox_violation
# kill(-1): seccomp kills the job before any signal leaves it. The signal is
# SIGKILL only inside a PID namespace (where the job's parent is PID 1), so
# that a machine without the sandbox's layers is not harmed by the suite.
import os
import signal

os.kill(-1, signal.SIGKILL if os.getppid() == 1 else 0)
