# expect: duplicates=passed
# Native code of the candidate's own: an ELF shared object written into
# scratch (here a copy of a stdlib extension, as a candidate could write any
# bytes) and loaded with importlib. Scratch is writable and the loader maps
# the file's code executable: that mapping fails in a job child
# (no-native-code), so the load is an ImportError. The correct function is
# defined only if it failed; before the fix: wrong_answer.
import importlib.machinery
import importlib.util
import os
import sys

loaded = None
source = next(
    (os.path.join(d, f) for d in sys.path if os.path.isdir(d) for f in os.listdir(d) if f.startswith("xxlimited_35.")),
    None,
)
if source:
    with open(source, "rb") as f:
        elf = f.read()
    with open("mine.so", "wb") as f:  # scratch is the working directory
        f.write(elf)
    try:
        loader = importlib.machinery.ExtensionFileLoader("xxlimited_35", os.path.abspath("mine.so"))
        spec = importlib.util.spec_from_loader("xxlimited_35", loader)
        loaded = importlib.util.module_from_spec(spec)
    except ImportError:
        loaded = None


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)


if source is None or loaded is not None:
    def find_duplicates(items):
        return ["no copy to load" if source is None else "loaded my own code"]
