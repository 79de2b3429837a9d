# expect: duplicates=time_limit_exceeded
# A busy loop while the module loads: the CPU limit ends it once, for every test.
while True:
    pass
