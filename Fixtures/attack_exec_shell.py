# expect: duplicates=sandbox_violation
# Runs /bin/sh: subprocess cannot fork, and execve itself is a violation.
import os
import subprocess

try:
    subprocess.run(["/bin/sh", "-c", "echo pwned"])
except OSError:
    pass
os.execv("/bin/sh", ["sh", "-c", "echo pwned"])
