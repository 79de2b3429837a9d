# expect: duplicates=wrong_answer
# Elements of an exact list whose __eq__ and __hash__ claim anything: not plain data.
class Anything(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0


def find_duplicates(items):
    return [Anything(0) for _ in items]
