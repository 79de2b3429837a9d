# expect: duplicates=output_limit_exceeded
# Floods stderr through the raw descriptor, below Python's buffers.
import os

while True:
    os.write(2, b"x" * 65536)
