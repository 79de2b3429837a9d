#!/usr/bin/env bash
# `pygrade similar` on N candidates (default 1,000) built from the fixtures
# by bench/similarity_corpus.py: wall time and CPU of the whole command
# (read, fingerprint, rank, write the CSV), best of three runs. The goal is
# under 5 s for 1,000.
#
# The peer, in the same run and on the same folder, when it is installed:
# copydetect (PyPI; winnowing over Pygments tokens, as pygrade does), which
# compares every pair, so it is given the first PEER_N candidates only
# (default 200) and its time is shown for them.
#
#   swift build -c release --product pygrade && bash bench/similarity.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PYGRADE:-.build/release/pygrade}
n=${1:-1000}
peer_n=${PEER_N:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/similarity_corpus.py Fixtures "$work/candidates" "$n"
best=""
for run in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$bin" similar "$work/candidates" --csv "$work/pairs.csv" >"$work/out.txt"
    read -r wall user sys <"$work/time"
    echo "pygrade similar, $n candidates, run $run: ${wall} s wall, $(echo "$user + $sys" | bc) s CPU"
    if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then best=$wall; fi
done
echo "pygrade similar, $n candidates: best ${best} s wall; $(($(wc -l <"$work/pairs.csv") - 1)) pairs at 50% or more"
if python3 -c "import copydetect" 2>/dev/null; then
    mkdir "$work/peer"
    files=("$work"/candidates/*.py)
    cp "${files[@]:0:$peer_n}" "$work/peer/"
    /usr/bin/time -f "%e %U %S" -o "$work/time" python3 -m copydetect -t "$work/peer" -e py -a -d 0.5 -O "$work/peer.html" \
        >/dev/null 2>&1 || true
    read -r wall user sys <"$work/time"
    "$bin" similar "$work/peer" >/dev/null
    /usr/bin/time -f "%e" -o "$work/time2" "$bin" similar "$work/peer" >/dev/null
    echo "peer copydetect, $peer_n candidates: ${wall} s wall; pygrade similar on the same: $(cat "$work/time2") s"
else
    echo "peer copydetect: not installed (pip install copydetect), skipped"
fi
