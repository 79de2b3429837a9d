# expect: duplicates=passed
# The extension modules a fair candidate may use still work in a job child,
# where none can be loaded (no-native-code): the worker loaded them first
# (Harness.swift, NATIVE_PRELOAD), or they are built into libpython, or the
# stdlib falls back to Python without them. Any failure raises:
# runtime_error.
import asyncio
import contextvars
import cProfile
import datetime
import decimal
import hashlib
import json
import queue
import resource
import sys
import threading
import zoneinfo


def check():
    var = contextvars.ContextVar("v", default=1)
    assert contextvars.copy_context().run(var.get) == 1
    q = queue.Queue()
    q.put(1)
    assert q.get() == 1
    assert queue.SimpleQueue is not None
    cProfile.Profile().runcall(sum, [1, 2])
    assert decimal.Decimal("1.1") + decimal.Decimal("2.2") == decimal.Decimal("3.3")
    assert json.loads(json.dumps({"a": [1]})) == {"a": [1]}
    assert hashlib.sha256(b"x").hexdigest().startswith("2d711642")
    assert "日本".encode("shift_jis").decode("shift_jis") == "日本"
    assert "한국".encode("euc_kr").decode("euc_kr") == "한국"
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))  # its own: allowed
    assert datetime.date(2024, 2, 29).isoformat() == "2024-02-29"

    async def twice(x):
        await asyncio.sleep(0)
        return 2 * x

    assert asyncio.run(twice(21)) == 42
    box = []
    t = threading.Thread(target=box.append, args=(1,))
    t.start()
    t.join()
    assert box == [1]
    # An extension module imported again after it was dropped from
    # sys.modules: no new mapping, the worker's copy is reused.
    del sys.modules["_json"]
    __import__("_json")
    assert zoneinfo.ZoneInfo is not None


check()


def find_duplicates(items):
    seen, dups = set(), set()
    for x in items:
        (dups if x in seen else seen).add(x)
    return list(dups)
