# expect: anagrams=wrong_answer cache=wrong_answer duplicates=wrong_answer flatten=wrong_answer reverse=wrong_answer
# Every answer is an object that lies: subclasses of str, list, int and dict
# whose __eq__ is always true, whose __repr__, __str__ and __format__ claim
# the right answer ("RIGHT-ANSWER") and print a marker as a side effect
# ("REPR-RAN"), whose __hash__ and __len__ lie, and whose __del__ prints
# (its own output, shown like any print, after the frame is out).
# The job child encodes exact builtin types only and calls no method of the
# candidate's, so each is a value that is not plain data: a wrong answer.
# A report that shows what a visible test returned must show pygrade's own
# rendering of the decoded value, never this object's words: neither marker
# may appear in any format (FeedbackAttackTests checks the output too).
import sys


def _say(tag):
    print("REPR-RAN", tag)
    print("REPR-RAN", tag, file=sys.stderr)


class _Liar:
    def __eq__(self, other):
        _say("eq")
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0

    def __repr__(self):
        _say("repr")
        return "RIGHT-ANSWER"

    def __str__(self):
        _say("str")
        return "RIGHT-ANSWER"

    def __format__(self, spec):
        _say("format")
        return "RIGHT-ANSWER"

    def __del__(self):
        print("DEL-RAN: a destructor may print; that is the candidate's own output")


class LiarStr(_Liar, str):
    pass


class LiarList(_Liar, list):
    def __len__(self):
        return 0


class LiarInt(_Liar, int):
    def __bool__(self):
        return True


class LiarDict(_Liar, dict):
    pass


def find_duplicates(items):
    return LiarList(LiarInt(x) for x in items)


def flatten_list(nested):
    return LiarList([LiarDict()])


def reverse_string(s):
    return LiarStr(s)


def are_anagrams(a, b):
    return LiarInt(1)


def simple_cache(func):
    def wrapper(*args, **kwargs):
        return LiarInt(func(*args, **kwargs)) if isinstance(func(*args, **kwargs), int) else LiarStr("x")

    wrapper.__name__ = LiarStr(getattr(func, "__name__", ""))
    wrapper.__doc__ = LiarStr(getattr(func, "__doc__", "") or "")
    wrapper.__wrapped__ = func
    return wrapper
