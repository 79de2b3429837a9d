# expect: duplicates=sandbox_violation
# Attaches to the worker with ptrace through ctypes, to read its memory.
import ctypes

PTRACE_ATTACH = 16
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace(PTRACE_ATTACH, 1, None, None)
