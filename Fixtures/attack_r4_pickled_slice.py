# expect: reverse=rule_violation
# A slice with a step made by the unpickler (REDUCE calls the slice type with
# three arguments), never spelled as a slice nor as slice(): the type's hooked
# tp_new sees the step whoever calls it.
import pickle


def reverse_string(s):
    step = pickle.loads(b"c__builtin__\nslice\n(NNI-1\ntR.")
    return s[step]
