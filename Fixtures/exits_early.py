# expect: duplicates=runtime_error flatten=runtime_error
# sys.exit raises SystemExit inside the test; os._exit ends the process.
import os
import sys


def find_duplicates(items):
    sys.exit(0)


def flatten_list(nested):
    os._exit(0)
