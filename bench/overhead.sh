#!/usr/bin/env bash
# Overhead per exercise, every sandbox layer on: grades Fixtures/correct.py
# over all five exercises N times and prints, per exercise, the medians of
# round trip - candidate CPU + compare (what `grade --timings` calls
# overhead), of the fork and of the load (fork to loaded), and the CPU the
# whole run took (user + system, pygrade and all its processes).
#
# Given a second pygrade binary (another build, say the previous commit's),
# runs both interleaved, so that machine noise hits both alike.
#
# The large generated tests are left out (a copy of Exercises/ without
# `generate:` tests), so that the candidate's own CPU is close to zero and
# the worker's inputs are small: what remains is the grader's cost.
#
# FULL_INPUTS=1 measures the same small exercises (as `<id>_small`) in a
# worker that has first graded the five real ones, so it holds all their
# large inputs, as a batch worker does: the fork then copies more.
#
#   swift build -c release && bash bench/overhead.sh [N] [PEER_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("${PYGRADE:-.build/release/pygrade}")
n=${1:-15}
[ $# -ge 2 ] && bins+=("$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r Exercises "$work/ex"
python3 - "$work/ex" <<'PY'
import pathlib, re, sys
for f in pathlib.Path(sys.argv[1]).glob("*/exercise.yaml"):
    parts = re.split(r"(?m)^(?=  - name:)", f.read_text())
    f.write_text("".join(p for p in parts if "generate:" not in p))
PY
exercises=("$work/ex")
args=()
if [ "${FULL_INPUTS:-0}" = 1 ]; then
    mkdir "$work/mix"
    cp -r Exercises/* "$work/mix/"
    for d in "$work"/ex/*/; do
        id=$(basename "$d")
        cp -r "$d" "$work/mix/${id}_small"
        sed -i "s/^id: $id\$/id: ${id}_small/" "$work/mix/${id}_small/exercise.yaml"
        args+=(--exercise "$id")
    done
    for d in "$work"/ex/*/; do args+=(--exercise "$(basename "$d")_small"); done
    exercises=("$work/mix")
fi
for i in "${!bins[@]}"; do
    # Expected results, once per binary (each has its own engine revision).
    PYGRADE_CACHE="$work/cache$i" "${bins[$i]}" grade Fixtures/correct.py --exercises-dir "${exercises[0]}" >/dev/null 2>&1 || true
done
for _ in $(seq "$n"); do
    for i in "${!bins[@]}"; do
        PYGRADE_CACHE="$work/cache$i" /usr/bin/time -f "cpu %U %S" "${bins[$i]}" grade Fixtures/correct.py \
            --exercises-dir "${exercises[0]}" "${args[@]}" --timings 2>>"$work/log$i" >/dev/null || true
    done
done
for i in "${!bins[@]}"; do
    echo "${bins[$i]}"
    python3 - "$work/log$i" "${FULL_INPUTS:-0}" <<'PY'
import re, statistics, sys
rows, cpu = {}, []
full = sys.argv[2] == "1"
for line in open(sys.argv[1]):
    if full and "round trip" in line and not line.split(":")[0].endswith("_small"):
        continue  # the real exercises, graded first to fill the worker
    m = re.match(r"(\w+): round trip ([\d.]+) ms \((?:worker [\d.]+, )?fork ([\d.]+), load ([\d.]+),.*overhead ([\d.]+) ms", line)
    if m:
        rows.setdefault(m[1], []).append(tuple(float(m[i]) for i in (5, 3, 4, 2)))
    m = re.match(r"cpu ([\d.]+) ([\d.]+)", line)
    if m:
        cpu.append(float(m[1]) + float(m[2]))
med = statistics.median
for ex, r in sorted(rows.items()):
    print(f"  {ex:<11} overhead {med([x[0] for x in r]):5.2f} ms   round trip {med([x[3] for x in r]):5.2f} ms   fork {med([x[1] for x in r]):4.2f} ms   load {med([x[2] for x in r]):4.2f} ms   (n={len(r)})")
allo = [x[0] for r in rows.values() for x in r]
allr = [x[3] for r in rows.values() for x in r]
print(f"  all         overhead median {med(allo):.2f} ms, mean {statistics.mean(allo):.2f} ms; round trip median {med(allr):.2f} ms, sum of the five's medians {sum(med([x[3] for x in r]) for r in rows.values()):.2f} ms")
print(f"  CPU per grade run (start-up included): median {med(cpu) * 1000:.0f} ms")
PY
done
