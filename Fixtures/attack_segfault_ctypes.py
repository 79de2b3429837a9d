# expect: duplicates=runtime_error
# A NULL read through ctypes while loading: SIGSEGV ends the job, not the grader.
import ctypes

ctypes.string_at(0)
