# expect: reverse=rule_violation
# The most pasted answer: right, but the exercise forbids a slice with a step.
def reverse_string(s):
    return s[::-1]
