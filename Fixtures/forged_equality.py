# expect: duplicates=wrong_answer flatten=wrong_answer
# Results that claim to equal anything: never plain data, never passed.
class Anything(list):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0


def find_duplicates(items):
    return Anything()


def flatten_list(nested):
    return Anything()
