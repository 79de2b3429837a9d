#!/usr/bin/env bash
# bash bench/value_digest_bench.sh [RUNS] [OTHER_value_digest.c]
# Times the value digests on 10^6-element lists (see value_digest_bench.c);
# given another value_digest.c (git show HEAD~1:Sources/CPygradeSupport/value_digest.c > /tmp/old.c),
# runs both builds three times each, interleaved.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
other=${2:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
inc=Sources/CPygradeSupport/include
cc -O2 -I"$inc" bench/value_digest_bench.c Sources/CPygradeSupport/value_digest.c Sources/CPygradeSupport/hash128.c -lm -o "$out/now"
if [[ -n "$other" ]]; then
    cc -O2 -I"$inc" bench/value_digest_bench.c "$other" Sources/CPygradeSupport/hash128.c -lm -o "$out/other"
    for i in 1 2 3; do
        echo "== this tree"; "$out/now" "$runs"
        echo "== $other"; "$out/other" "$runs"
    done
else
    "$out/now" "$runs"
fi
