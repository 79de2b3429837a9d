# expect: duplicates=time_limit_exceeded
# The common answer built on list.count: O(n^2) on 100,000 items.
def find_duplicates(items):
    return list({x for x in items if items.count(x) > 1})
