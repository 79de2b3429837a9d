#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# The zip (see ../make_autograder.sh) holds a pygrade binary built with the
# Swift standard library linked in, the Exercises/ folder and these scripts;
# the image only needs the shared libraries that binary links: the
# distribution's libpython3.X (the one pygrade was built against) and
# libseccomp.
set -euo pipefail
cd "$(dirname "$0")"

chmod +x pygrade run_autograder
python=$(readelf -d ./pygrade | grep -o 'libpython3\.[0-9]*' | head -n 1)
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$python" libseccomp2 python3 >/dev/null

# Compute every exercise's expected results now, from its reference
# solution, so that no student's run pays for it; this also proves the
# binary works on this image.
export PYGRADE_CACHE=/autograder/source/cache
for exercise in Exercises/*/; do
    id=$(basename "$exercise")
    ./pygrade grade "$exercise/reference.py" --exercise "$id" --exercises-dir Exercises >/dev/null
done
