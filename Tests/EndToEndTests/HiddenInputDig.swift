/// Python that defines `dig()`: every string starting with "zq-" (as the
/// test exercises' hidden inputs do) and passing `test`, a Python condition
/// on `o`, that the process can reach through every door of the
/// collector's and the frames' (gc.unfreeze(), gc.get_objects() with and
/// without a generation, gc.get_referents() of sys.modules, each frame's
/// locals and globals), walking tuples, lists, dicts and modules; and
/// `keep(*given)`, which keeps what a call was given for later digs.
///
/// A job child's zygote built (and froze) every test's input. Before the
/// gc guard (Sources/CJobChild/gc_guard.c) unfreeze + get_objects reached
/// them all, hidden ones of later tests too; now a dig finds only what the
/// process was given: the running test's arguments (through the frames)
/// and what it kept of earlier tests'. So a dig at load or in a job's first
/// test finds nothing, and a test that needs a child holding hidden inputs
/// makes one honestly: a visible test declared after hidden ones, whose
/// arguments the candidate kept. `gap`: the blank lines after the imports
/// and after the functions.
enum HiddenInputDig {
    static func python(keeping test: String, gap: Int) -> String {
        let blank = String(repeating: "\n", count: gap)
        return "import gc\nimport sys\n" + blank
            + """
            KEPT = []


            def keep(*given):
                KEPT.extend(given)


            def dig():
                gc.unfreeze()  # a no-op in a job child
                roots = list(gc.get_objects()) + gc.get_referents(sys.modules) + KEPT
                for generation in range(3):
                    roots += gc.get_objects(generation=generation)
                frame = sys._getframe()
                while frame is not None:
                    roots += [frame.f_locals, frame.f_globals]
                    frame = frame.f_back
                found, stack, seen = set(), roots, set()
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
                    elif type(o) is type(sys):
                        stack.append(vars(o))
                return sorted(found)
            """ + blank
    }
}
