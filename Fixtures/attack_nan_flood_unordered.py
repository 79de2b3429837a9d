# expect: duplicates=wrong_answer
# A result of 110,000 NaNs for the unordered checker. A NaN has no element
# digest, so the grader decodes the list and checks it value by value: every
# NaN hashes alike and equals nothing, and a set of them cost n²/2
# comparisons in the grader, after the job and outside its limits (it held
# one grading thread for minutes). A value unequal to itself is now refused
# as it is seen: a wrong answer, in linear time.
N = 110_000


def find_duplicates(items):
    return [float("nan")] * N
