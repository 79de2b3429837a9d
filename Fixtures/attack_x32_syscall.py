# expect: duplicates=sandbox_violation
# A system call through the x32 ABI (number | 0x40000000), which a filter that
# only knows x86_64 numbers would let by: the filter kills it.
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall(0x40000000 | 59, b"/bin/sh", None, None)  # x32 execve
