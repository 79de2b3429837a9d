"""The pytest peer: the hidden cases as a pytest suite, one pytest process per
candidate (CANDIDATE=path), pytest-timeout per test, expected values from the
reference solution, as a team without a grader would write it."""
import os
import sys

import pytest

sys.setrecursionlimit(100000)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cases  # noqa: E402

CANDIDATE = cases.load_candidate(os.environ["CANDIDATE"])


def _params():
    for ex in cases.exercises():
        definition, items = cases.load(ex)
        reference = cases.load_candidate(os.path.join(ex, "reference.py"), "reference")
        entry = getattr(reference, definition["entry"])
        timeout = definition.get("limits", {}).get("time", 1)
        for case in items:
            want = cases.call(entry, case[1], case[2], case[3])
            yield pytest.param(definition, case, want, id=f"{definition['id']}-{case[0]}",
                               marks=pytest.mark.timeout(timeout))


@pytest.mark.parametrize("definition,case,want", list(_params()))
def test_hidden_case(definition, case, want):
    entry = getattr(CANDIDATE, definition["entry"], None)
    assert entry is not None, "missing"
    assert cases.run_case(definition, entry, case, want)
