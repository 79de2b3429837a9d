# expect: duplicates=wrong_answer
# Patches builtins, json and the type checks, then returns a wrong answer: the
# result is encoded in C and compared outside, so none of it matters.
import builtins
import json

builtins.isinstance = lambda obj, cls: True
builtins.len = lambda obj: 0
builtins.list = lambda *a: []
json.dumps = lambda *a, **k: "[]"
json.loads = lambda *a, **k: []


def find_duplicates(items):
    return ["not", "the", "answer"]
