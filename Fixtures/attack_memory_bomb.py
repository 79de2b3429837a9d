# expect: duplicates=memory_limit_exceeded|time_limit_exceeded
# Grabs memory as the module loads, in big and small pieces, writing every
# page: in a loaded virtual machine the page faults can use up the load's
# CPU limit before the memory limit is reached, so either limit may end it
# (memory_bomb.py, which writes no page, must be memory_limit_exceeded).
hoard = []
while True:
    hoard.append(bytearray(64 << 20))
    hoard.append([0] * 100000)
