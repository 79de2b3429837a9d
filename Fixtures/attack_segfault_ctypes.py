# expect: duplicates=runtime_error
# A segfault while loading: SIGSEGV ends the job, not the grader. ctypes (a
# NULL read) can no longer be imported in a job child (no-native-code,
# attack_native_ctypes.py), so the fault is raised by faulthandler, built
# into libpython, with the default action back (the runtime's own handler
# would let a raised SIGSEGV return).
import faulthandler
import signal

signal.signal(signal.SIGSEGV, signal.SIG_DFL)
faulthandler._sigsegv()
