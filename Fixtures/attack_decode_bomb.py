# expect: flatten=wrong_answer
# Found by the attacker (round four): a result within its byte limit whose
# values cost the grader ~19 times their stream. One-element lists that all
# share one list (a few bytes in the child, 3 bytes each in the value stream,
# a heap block each once decoded), plus a NaN so that no digest spares the
# decoding: the grader grew past 800 MiB. A result is now decoded no further
# than the expected value's count of values (IntegrityAttackTests measures
# the grader).
def _flat(nested):
    out, stack = [], [iter(nested)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out


def flatten_list(nested):
    n = max(1_000_000, 24 * len(_flat(nested)))
    one = [None]
    return [one] * (n // 3) + [float("nan")]
