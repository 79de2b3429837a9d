#!/usr/bin/env bash
# The sandbox's cost per exercise: grades a trivial submission N times with
# every layer on and N times with the optional layers left out
# (PYGRADE_SANDBOX_DISABLE), interleaved so that machine noise hits both,
# and prints the medians of `--timings`: worker spawn (namespaces and
# Python, once per worker), fork, load (fork to loaded: child
# set-up, compile, load) and the round trip of the exercise.
#
#   swift build -c release && bash bench/sandbox_overhead.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PYGRADE:-.build/release/pygrade}
n=${1:-25}
sub=$(mktemp --suffix=.py)
trap 'rm -f "$sub" "$sub".on "$sub".off' EXIT
printf 'def find_duplicates(items):\n    return []\n' >"$sub"
off=userns,pidns,netns,mountns,ipcns,utsns,landlock,seccomp
"$bin" grade "$sub" --exercise duplicates >/dev/null 2>&1 || true # warm the expected-results cache
for _ in $(seq "$n"); do
    "$bin" grade "$sub" --exercise duplicates --timings 2>&1 >/dev/null | grep -E '^(duplicates|worker spawn)' >>"$sub".on || true
    PYGRADE_SANDBOX_DISABLE=$off "$bin" grade "$sub" --exercise duplicates --timings 2>&1 >/dev/null | grep -E '^(duplicates|worker spawn)' >>"$sub".off || true
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for mode in on off; do
    f="$sub.$mode"
    spawn=$(grep '^worker spawn' "$f" | sed -E 's/.*: ([0-9.]+) ms.*/\1/' | median)
    fork=$(grep '^duplicates' "$f" | sed -E 's/.*fork ([0-9.]+).*/\1/' | median)
    load=$(grep '^duplicates' "$f" | sed -E 's/.*load ([0-9.]+).*/\1/' | median)
    trip=$(grep '^duplicates' "$f" | sed -E 's/.*round trip ([0-9.]+).*/\1/' | median)
    echo "layers $mode: median worker spawn $spawn ms (once), fork $fork ms, fork-to-loaded $load ms, round trip $trip ms (n=$n)"
done
