# expect: duplicates=memory_limit_exceeded
# Grabs memory as the module loads, in big and small pieces.
hoard = []
while True:
    hoard.append(bytearray(64 << 20))
    hoard.append([0] * 100000)
