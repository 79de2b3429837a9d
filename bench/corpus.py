"""Builds a benchmark corpus of N candidates from Fixtures/: single-file
fixtures only, mixed by what each fixture declares: mostly correct, some
wrong, a few slow. Attacks and crashes are left out: the peers have no
sandbox, and a memory bomb or os._exit would measure their damage, not
their speed.

    python3 corpus.py FIXTURES_DIR OUT_DIR N
"""
import os
import random
import re
import shutil
import sys

fixtures, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
kinds = {"correct": [], "wrong": [], "slow": []}
for name in sorted(os.listdir(fixtures)):
    path = os.path.join(fixtures, name)
    if not name.endswith(".py") or name.startswith("attack") or os.path.exists(path + ".expect"):
        continue
    source = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r"expect:(.*)", source)
    if not m or any(w in source for w in ("ctypes", "os._exit", "sys.exit", "os.write", "time.sleep", "os.kill", "socket", "fork")):
        continue
    if "bench: leave out" in source:  # a stress test of the grader, not a candidate
        continue
    statuses = {s for item in m.group(1).split() for s in item.split("=", 1)[1].split("|")}
    if statuses & {"memory_limit_exceeded", "output_limit_exceeded", "sandbox_violation"}:
        continue
    if "time_limit_exceeded" in statuses:
        kinds["slow"].append(path)
    elif statuses == {"passed"}:
        kinds["correct"].append(path)
    elif statuses & {"wrong_answer", "runtime_error", "missing", "syntax_error", "rule_violation"}:
        kinds["wrong"].append(path)

rng = random.Random(2026)
os.makedirs(out, exist_ok=True)
mix = [("correct", 0.65), ("wrong", 0.30), ("slow", 0.05)]
for i in range(n):
    r, acc = rng.random(), 0.0
    for kind, share in mix:
        acc += share
        if r < acc and kinds[kind]:
            break
    source = rng.choice(kinds[kind] or kinds["correct"])
    shutil.copy(source, os.path.join(out, f"cand{i:05d}_{kind}.py"))
print(" ".join(f"{k}={len(v)}" for k, v in kinds.items()))
