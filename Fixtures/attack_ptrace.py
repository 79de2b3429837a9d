# expect: duplicates=runtime_error
# Attaches to the worker with ptrace through ctypes, to read its memory.
# ctypes no longer imports in a job child (no-native-code): ImportError while
# loading, runtime_error. Python has no other way to ptrace; the filter still
# kills ptrace (sandbox_violation, as this file got before), a second wall.
import ctypes

PTRACE_ATTACH = 16
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace(PTRACE_ATTACH, 1, None, None)
