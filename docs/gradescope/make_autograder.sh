#!/usr/bin/env bash
# Builds autograder.zip for Gradescope: run it from the pygrade checkout on
# the same distribution release as the Gradescope base image you choose (in
# a container of that image, for example), because pygrade links that
# release's libpython3.X. The Swift runtime is linked in statically.
#
#   bash docs/gradescope/make_autograder.sh [Exercises] [autograder.zip] [assignment.yaml]
#
# With an assignment file, the autograder grades under it (see
# docs/assignments.md); check it first: pygrade check --assignment FILE.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exercises=$(cd "${1:-$root/Exercises}" && pwd)
out=$(realpath -m "${2:-autograder.zip}")
assignment=${3:+$(realpath "$3")}

cd "$root"
swift build -c release --static-swift-stdlib --product pygrade
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$(swift build -c release --show-bin-path)/pygrade" "$stage/"
strip "$stage/pygrade" 2>/dev/null || true   # symbols are most of its size
cp -R "$exercises" "$stage/Exercises"
cp docs/gradescope/autograder/setup.sh docs/gradescope/autograder/run_autograder "$stage/"
files=(pygrade Exercises setup.sh run_autograder)
if [ -n "$assignment" ]; then
    cp "$assignment" "$stage/assignment.yaml"
    files+=(assignment.yaml)
fi
rm -f "$out"
(cd "$stage" && python3 -m zipfile -c "$out" "${files[@]}")
echo "wrote $out"
