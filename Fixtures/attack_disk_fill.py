# expect: duplicates=output_limit_exceeded
# One file past RLIMIT_FSIZE (16 MiB): SIGXFSZ ends the job.
with open("fill.bin", "wb") as f:
    while True:
        f.write(b"\0" * (1 << 20))
