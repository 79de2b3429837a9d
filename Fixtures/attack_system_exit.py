# expect: duplicates=runtime_error
# raise SystemExit inside every test.
def find_duplicates(items):
    raise SystemExit(0)
