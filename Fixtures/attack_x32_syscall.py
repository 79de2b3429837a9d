# expect: duplicates=runtime_error
# A system call through the x32 ABI (number | 0x40000000), which a filter that
# only knows x86_64 numbers would let by: the filter kills it (this file got
# sandbox_violation). It needs native code: ctypes no longer imports in a job
# child (no-native-code), so the load fails with ImportError, runtime_error.
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall(0x40000000 | 59, b"/bin/sh", None, None)  # x32 execve
