"""Writes a batch of N candidates for `pygrade similar` built from the
fixtures: each candidate takes one fixture answer per exercise, its names
renamed and its parts shuffled, and one in ten is a disguised copy of an
earlier one. Usage: similarity_corpus.py FIXTURES OUT N"""
import keyword
import os
import random
import re
import sys

fixtures, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(7)
families = {}
for name in sorted(os.listdir(fixtures)):
    m = re.match(r"(anagrams|cache|duplicates|flatten|reverse)_.*\.py$", name)
    if m:
        with open(os.path.join(fixtures, name), encoding="utf-8") as f:
            families.setdefault(m.group(1), []).append(f.read())

KEEP = set(keyword.kwlist) | set(dir(__builtins__)) | {
    "reverse_string", "are_anagrams", "find_duplicates", "flatten_list", "simple_cache", "functools", "collections",
    "Counter", "reduce", "wraps", "math", "copy", "args", "kwargs", "func"}


def rename(src, tag):
    names = {}

    def sub(m):
        w = m.group(0)
        if w in KEEP or m.start() > 0 and src[m.start() - 1] == ".":
            return w
        return names.setdefault(w, f"{tag}{len(names)}")
    return re.sub(r"(?<![\"'])\b[A-Za-z_][A-Za-z0-9_]*\b", sub, src)


os.makedirs(out, exist_ok=True)
made = []
for i in range(n):
    if made and rng.random() < 0.1:
        parts = list(rng.choice(made))
        rng.shuffle(parts)
        parts.insert(1, "def _unused(values):\n    total = 0\n    for v in values:\n        total += v\n    return total\n")
    else:
        parts = [rng.choice(v) for v in families.values()]
        made.append(parts)
    text = "\n\n".join(rename(p, rng.choice("abcdefgh") + "_") for p in parts)
    with open(os.path.join(out, f"cand{i:04d}.py"), "w", encoding="utf-8") as f:
        f.write(text)
