"""Behavioural probes for `simple_cache`. Each is called in the job child as
`probe(simple_cache, *args)` and returns plain observations (dicts of str to
plain values); the expected observations are those of reference.py.

Probes build their own functions and count the calls that reach them, so a
candidate's decorator is judged only by what it does."""


def _counted(body):
    calls = []

    def func(*args, **kwargs):
        calls.append(1)
        return body(*args, **kwargs)

    return func, calls


def repeated_call_is_cached(simple_cache):
    f, calls = _counted(lambda x: x * 10)
    g = simple_cache(f)
    values = [g(2), g(2), g(3), g(2), g(3)]
    return {"values": values, "calls": len(calls)}


def keyword_arguments_are_part_of_the_key(simple_cache):
    f, calls = _counted(lambda a, b=0: a - b)
    g = simple_cache(f)
    values = [g(5, b=1), g(5, b=1), g(5, b=2), g(5)]
    return {"values": values, "calls": len(calls)}


def keyword_order_does_not_matter(simple_cache):
    f, calls = _counted(lambda **kw: sorted(kw.items()))
    g = simple_cache(f)
    values = [g(a=1, b=2), g(b=2, a=1), g(a=1, b=2)]
    return {"values": values, "calls": len(calls)}


def falsy_results_are_cached(simple_cache):
    results = {0: None, 1: 0, 2: "", 3: False, 4: []}
    f, calls = _counted(lambda k: results[k])
    g = simple_cache(f)
    values = [g(k) for k in range(5)] + [g(k) for k in range(5)]
    return {"values": values, "calls": len(calls)}


def each_function_has_its_own_cache(simple_cache):
    f1, calls1 = _counted(lambda x: x + 1)
    f2, calls2 = _counted(lambda x: x * 2)
    g1, g2 = simple_cache(f1), simple_cache(f2)
    values = [g1(3), g2(3), g1(3), g2(3)]
    return {"values": values, "calls": [len(calls1), len(calls2)]}


class _Alike:
    """Values that print the same (equal str and repr) yet are not equal."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return "<item>"

    def __eq__(self, other):
        return isinstance(other, _Alike) and self.value == other.value

    def __hash__(self):
        return hash(self.value)


def arguments_that_print_alike_are_distinct(simple_cache):
    f, calls = _counted(lambda item, tag=None: (item.value, tag.value if tag else None))
    g = simple_cache(f)
    values = [g(_Alike(1)), g(_Alike(2)), g(_Alike(1)), g(_Alike(0), tag=_Alike(1)), g(_Alike(0), tag=_Alike(2))]
    return {"values": values, "calls": len(calls)}


def unhashable_arguments_get_the_right_value(simple_cache):
    f, _ = _counted(lambda items, extra=(): sum(items) + sum(extra))
    g = simple_cache(f)
    data = [1, 2, 3]
    values = [g(data), g(data)]
    data.append(4)
    values.append(g(data))
    values.append(g([10], extra=[5]))
    values.append(g({7}))
    return {"values": values}


def metadata_is_kept(simple_cache):
    def area(width, height=1):
        """The area of a rectangle."""
        return width * height

    g = simple_cache(area)
    return {
        "name": getattr(g, "__name__", None),
        "doc": getattr(g, "__doc__", None),
        "wrapped_is_the_function": getattr(g, "__wrapped__", None) is area,
        "value": g(3, height=4),
    }


def memoised_recursion_is_fast(simple_cache, n):
    calls = []

    @simple_cache
    def fib(k):
        calls.append(1)
        return k if k < 2 else fib(k - 1) + fib(k - 2)

    return {"value": fib(n), "calls": len(calls)}


def many_distinct_arguments(simple_cache, n):
    f, calls = _counted(lambda i: i * i)
    g = simple_cache(f)
    total = 0
    for i in range(n):
        total += g(i)
    for i in range(n):
        total += g(i)
    return {"total": total, "calls": len(calls)}
