# expect: duplicates=time_limit_exceeded
# Sleeping burns no CPU: the worker's wall-clock kill ends it.
import time

time.sleep(3600)
