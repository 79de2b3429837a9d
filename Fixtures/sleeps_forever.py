# expect: duplicates=time_limit_exceeded
# time.sleep burns no CPU: only the wall-clock limit can end it.
import time


def find_duplicates(items):
    time.sleep(3600)
