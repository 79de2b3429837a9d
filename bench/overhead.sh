#!/usr/bin/env bash
# Overhead per exercise, every sandbox layer on: grades Fixtures/correct.py
# over all five exercises N times and prints, per exercise, the medians of
# round trip - candidate CPU + compare (what `grade --timings` calls
# overhead), of the fork and of the load (hand-over to loaded), and the
# CPU the whole run took (user + system, pygrade and all its processes).
#
# The large generated tests are left out (a copy of Exercises/ without
# `generate:` tests), so that the candidate's own CPU is close to zero and
# the worker's inputs are small: what remains is the grader's cost.
#
#   swift build -c release && bash bench/overhead.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PYGRADE:-.build/release/pygrade}
n=${1:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r Exercises "$work/ex"
python3 - "$work/ex" <<'PY'
import pathlib, re, sys
for f in pathlib.Path(sys.argv[1]).glob("*/exercise.yaml"):
    parts = re.split(r"(?m)^(?=  - name:)", f.read_text())
    f.write_text("".join(p for p in parts if "generate:" not in p))
PY
export PYGRADE_CACHE="$work/cache"
"$bin" grade Fixtures/correct.py --exercises-dir "$work/ex" >/dev/null 2>&1 || true # expected results
for _ in $(seq "$n"); do
    /usr/bin/time -f "cpu %U %S" "$bin" grade Fixtures/correct.py --exercises-dir "$work/ex" --timings 2>>"$work/log" >/dev/null || true
done
python3 - "$work/log" <<'PY'
import re, statistics, sys
rows, cpu = {}, []
for line in open(sys.argv[1]):
    m = re.match(r"(\w+): round trip ([\d.]+) ms \(fork ([\d.]+)(?:, hand-over [\d.]+)?, load ([\d.]+),.*overhead ([\d.]+) ms", line)
    if m:
        rows.setdefault(m[1], []).append(tuple(float(m[i]) for i in (5, 3, 4)))
    m = re.match(r"cpu ([\d.]+) ([\d.]+)", line)
    if m:
        cpu.append(float(m[1]) + float(m[2]))
med = lambda xs: statistics.median(xs)
for ex, r in sorted(rows.items()):
    print(f"{ex:<11} overhead {med([x[0] for x in r]):5.2f} ms   fork {med([x[1] for x in r]):4.2f} ms   load {med([x[2] for x in r]):4.2f} ms   (n={len(r)})")
allo = [x[0] for r in rows.values() for x in r]
print(f"all         overhead median {med(allo):.2f} ms, mean {statistics.mean(allo):.2f} ms")
print(f"CPU per grade run (five exercises, start-up included): median {med(cpu) * 1000:.0f} ms")
PY
