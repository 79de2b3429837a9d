# expect: duplicates=runtime_error
# Ends the process while loading, with a success code.
import os

os._exit(0)
