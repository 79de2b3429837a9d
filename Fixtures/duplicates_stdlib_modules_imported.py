# expect: duplicates=passed
# A fair candidate imports standard library modules the worker did not
# preload (fractions, statistics, decimal and textwrap are preloaded; these
# are not): each loads from its .pyc in the job child, through importlib's
# marshal.loads, which a job allows for the standard library's own files
# only (code_guard.c). The answer is right only if at least five of them
# were imported here, fresh, and all of them work.
import sys

_NAMES = ("calendar", "colorsys", "difflib", "fnmatch", "graphlib", "html", "ipaddress", "pprint", "shlex", "datetime")
_fresh = [name for name in _NAMES if name not in sys.modules]

import calendar  # noqa: E402
import colorsys  # noqa: E402
import datetime  # noqa: E402
import difflib  # noqa: E402
import fnmatch  # noqa: E402
import graphlib  # noqa: E402
import html  # noqa: E402
import ipaddress  # noqa: E402
import pprint  # noqa: E402
import shlex  # noqa: E402

_work = (
    calendar.isleap(2024)
    and colorsys.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    and datetime.date(2024, 3, 1) - datetime.date(2024, 2, 1) == datetime.timedelta(days=29)
    and difflib.SequenceMatcher(None, "abcd", "abed").ratio() == 0.75
    and fnmatch.fnmatch("x.py", "*.py")
    and list(graphlib.TopologicalSorter({"b": {"a"}}).static_order()) == ["a", "b"]
    and html.escape("<a>") == "&lt;a&gt;"
    and ipaddress.ip_address("10.0.0.1").is_private
    and pprint.pformat({"a": 1}) == "{'a': 1}"
    and shlex.split("a 'b c'") == ["a", "b c"]
)


def find_duplicates(items):
    if len(_fresh) < 5 or not _work:
        return ["imports failed", _fresh, _work]
    seen, dups = set(), set()
    for x in items:
        if x in seen:
            dups.add(x)
        else:
            seen.add(x)
    return list(dups)
