/// Python that defines `dig()`: every string starting with "zq-" (as the
/// test exercises' hidden inputs do) and passing `test`, a Python condition
/// on `o`, reachable from the collector's objects (the worker froze them:
/// unfreeze first), sorted. Where a process holds hidden inputs, it finds
/// them. `gap`: the blank lines after `import gc` and after the function.
enum HiddenInputDig {
    static func python(keeping test: String, gap: Int) -> String {
        let blank = String(repeating: "\n", count: gap)
        return "import gc\n" + blank
            + """
            def dig():
                gc.unfreeze()
                found, stack, seen = set(), list(gc.get_objects()), set()
                while stack:
                    o = stack.pop()
                    if id(o) in seen:
                        continue
                    seen.add(id(o))
                    if isinstance(o, str) and o.startswith("zq-") and \(test):
                        found.add(o)
                    elif isinstance(o, (tuple, list)):
                        stack.extend(o)
                    elif isinstance(o, dict):
                        stack.extend(o.values())
                return sorted(found)
            """ + blank
    }
}
