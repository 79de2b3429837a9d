import Foundation
import TestSupport
import Testing

@testable import PygradeKit

/// One equality rule on every path (docs/equality.md): Python `==` on
/// freshly decoded values. python3 builds a table of pairs and says what
/// `==` (and the unordered checker, in Python's words) answers for each;
/// every path of the grader must answer the same: the full comparison
/// (`Checker`), `Verdict.verdict` on a plain result (which takes the element
/// digests' fast path for the unordered checker when it can), on a result
/// sent as a digest (as the job child sends a large one, falling back to the
/// value when `pg_value_digest` gives none), the digests themselves, and
/// `PyValue`'s hash.
@Suite("Equality: every path agrees with python3")
struct EqualityTests {
    struct Case {
        var checker: String
        var got: [UInt8]
        var expected: [UInt8]
        /// "pass" or "fail" (exact); "pass", "duplicate", "extra", "missing"
        /// or "not a list" (unordered).
        var python: String
        var label: String
    }

    static func pythonTable() throws -> [Case] {
        try Python3.rows(of: script, width: 5).map { r in
            Case(checker: r[0], got: try hex(r[1]), expected: try hex(r[2]), python: r[3], label: r[4])
        }
    }

    static func hex(_ s: String) throws -> [UInt8] {
        let digits = Array(s.utf8)
        try #require(digits.count % 2 == 0)
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
    }

    static func category(_ verdict: CheckVerdict) -> String {
        switch verdict {
        case .pass: return "pass"
        case .fail(let why): return category(why)
        }
    }

    static func category(_ why: String) -> String {
        switch why {
        case "a value appears more than once in the result": "duplicate"
        case "the result holds values that should not be there": "extra"
        case "the result misses values that should be there": "missing"
        case _ where why.hasSuffix("expected a list"): "not a list"
        default: "other: \(why)"
        }
    }

    @Test func everyPathAgreesWithPython() throws {
        let cases = try Self.pythonTable()
        let folder = TemporaryFolder()
        let exercise = try ExerciseLoader.load(
            folder: folder.exercise(
                "equality",
                definition: """
                    id: equality
                    title: Equality
                    entry: f
                    points: 20
                    tests:
                      - {name: exact, hint: basic, args: ["1"], checker: exact}
                      - {name: unordered, hint: basic, args: ["2"], checker: unordered_unique}
                    """))
        var mismatches: [String] = []
        var digestOutcomes = 0
        var fastPaths = 0
        for c in cases {
            func disagree(_ path: String, _ answer: String) {
                if answer != c.python { mismatches.append("\(c.checker) \(c.label): python \(c.python), \(path) \(answer)") }
            }
            let expected = try ExpectedResults(encoded: [c.expected, c.expected], referenceCPUms: [0, 0])
            let got = try ValueCodec.decode(c.got)
            func grader(_ index: Int, _ outcome: TestOutcome) -> (TestStatus, String) {
                Verdict.verdict(
                    test: exercise.tests[index], index: index, exercise: exercise, response: JobResponse(), outcome: outcome,
                    blobs: [c.got], expected: expected)
            }
            var plain = TestOutcome(index: 0, kind: .value)
            plain.blob = 0
            if c.checker == "exact" {
                disagree("Checker", Checker.check(.exact, got: got, expected: expected.values[0]) == .pass ? "pass" : "fail")
                disagree("Grader (value)", grader(0, plain).0 == .passed ? "pass" : "fail")
                // What the job child sends for a large result: the digest
                // when pg_value_digest gives one, else the value.
                var large = plain
                if let d = Digest.value(c.got) {
                    large = TestOutcome(index: 0, kind: .digest)
                    large.digest = Digest.hex(d)
                    digestOutcomes += 1
                }
                disagree("Grader (as a large result)", grader(0, large).0 == .passed ? "pass" : "fail")
                if let a = Digest.value(c.got), let b = expected.digests[0] { disagree("digests", a == b ? "pass" : "fail") }
                if c.python == "pass" && got.hashValue != expected.values[0].hashValue { disagree("hash", "different hashes") }
            } else {
                disagree("Checker", Self.category(Checker.check(.unorderedUnique, got: got, expected: expected.values[1])))
                let (status, why) = grader(1, plain)
                disagree("Grader", status == .passed ? "pass" : Self.category(why))
                if let have = Digest.elements(c.got), let want = expected.elementDigests[1] {
                    fastPaths += 1
                    disagree("element digests", Self.category(Checker.unorderedUnique(got: have, expected: want)))
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) disagreements:\n\(mismatches.prefix(40).joined(separator: "\n"))")
        // The fast paths were taken, not only their fallbacks.
        #expect(digestOutcomes > cases.count / 4 && fastPaths > cases.count / 8, "\(digestOutcomes) digests, \(fastPaths) fast paths")
    }

    /// The table: python3 evaluates each pair, encodes both sides as
    /// encoder.c does, decodes them again (fresh objects, as the grader sees
    /// them) and answers.
    static let script = #"""
        import json, math, struct, sys

        ATOMS = [
            "None", "False", "True", "0", "1", "-1", "0.0", "-0.0", "1.0", "0.5", "-1.0",
            "2**53", "2**53 + 1", "float(2**53)", "float(2**53 + 1)", "2.0**53 + 2",
            "2**63 - 1", "2**63", "2**63 + 1", "-2**63", "-2**63 - 1", "float(2**63)", "float(-2**63)", "float(2**63 - 1)",
            "2**64", "-2**64", "float(2**64)", "float(-2**64)",
            "2**70", "2**70 + 1", "-2**70", "float(2**70)", "float(-2**70)", "2**70 + 2**18", "math.nextafter(2.0**70, math.inf)",
            "1e300", "int(1e300)", "int(1e300) + 1", "10**300", "-1e300", "-int(1e300)", "2**1024", "math.ldexp(1, 1023)", "2**1023",
            "float('inf')", "float('-inf')", "float('nan')", "-float('nan')",
            "''", "'a'", "b'a'", "'\\u00e9'", "'e\\u0301'", "'\\ud800'",
            "[]", "()", "[1]", "(1,)", "[1.0]", "{1}", "frozenset({1})", "{True}", "set()", "frozenset()",
            "{1: 2}", "{1.0: 2.0}", "{True: 2}", "{2: 1}", "{}",
            "[float('nan')]", "(float('nan'),)", "{'k': float('nan')}", "{float('nan')}",
            "(2**70,)", "(float(2**70),)", "[True, 2.0]", "[1, 2]", "{2**70: 'x'}", "{float(2**70): 'x'}", "frozenset({2**70})", "{float(2**70)}",
        ]

        \#(ValueStreamPython.encoder)

        def dec(b, i=0):
            def rv(i):
                n = shift = 0
                while True:
                    c = b[i]; i += 1
                    n |= (c & 0x7F) << shift
                    shift += 7
                    if c < 0x80: return n, i
            t = chr(b[i]); i += 1
            if t == "N": return None, i
            if t == "T": return True, i
            if t == "F": return False, i
            if t == "i":
                z, i = rv(i)
                return (z >> 1) ^ -(z & 1), i
            if t == "I":
                n, i = rv(i)
                return int(b[i:i + n].decode(), 16), i + n
            if t == "f": return struct.unpack("<d", b[i:i + 8])[0], i + 8
            if t in "sb":
                n, i = rv(i)
                raw = b[i:i + n]
                return (raw.decode("utf-8", "surrogatepass") if t == "s" else bytes(raw)), i + n
            n, i = rv(i)
            items = []
            for _ in range(2 * n if t == "d" else n):
                x, i = dec(b, i)
                items.append(x)
            if t == "d": return dict(zip(items[0::2], items[1::2])), i
            return {"l": list, "t": tuple, "S": set, "z": frozenset}[t](items), i

        def fresh(v):
            """The value as the orchestrator sees it: decoded, every object new."""
            b = bytes(enc(v, bytearray()))
            x, end = dec(b)
            assert end == len(b)
            return x, b

        def unordered(got, exp):
            """The unordered_unique checker in Python's words (docs/equality.md)."""
            if type(got) is not list: return "not a list"
            for i in range(len(got)):
                for j in range(i):
                    if got[i] == got[j]: return "duplicate"
            if any(not any(g == e for e in exp) for g in got): return "extra"
            if any(not any(e == g for g in got) for e in exp): return "missing"
            return "pass"

        def hashable(v):
            try:
                hash(v)
                return True
            except TypeError:
                return False

        cases = []
        def case(checker, label, got, exp):
            g, gb = fresh(got)
            e, eb = fresh(exp)
            verdict = ("pass" if g == e else "fail") if checker == "exact" else unordered(g, e)
            cases.append([checker, gb.hex(), eb.hex(), verdict, label])

        # Nested (in lists, tuples, dict values and keys, sets; and as elements
        # under the unordered checker): these pairs, and every pair that is equal.
        CORE = [
            "False", "True", "0", "1", "-0.0", "1.0", "0.5", "2**53 + 1", "float(2**53 + 1)",
            "2**63 - 1", "2**63", "float(2**63)", "-2**63", "float(-2**63)", "-2**63 - 1",
            "2**64", "-2**64", "float(-2**64)", "2**70", "2**70 + 1", "-2**70", "float(2**70)", "float(-2**70)",
            "1e300", "int(1e300)", "float('inf')", "float('nan')", "'a'", "b'a'", "(1,)", "[1]", "{1}", "frozenset({1})",
        ]

        for ra in ATOMS:
            for rb in ATOMS:
                a, b = eval(ra), eval(rb)
                case("exact", f"{ra} vs {rb}", a, b)
                case("unordered", f"[{ra}, 'z'] vs [{rb}, 'z']", [a, "z"], [b, "z"])
                if not (ra in CORE and rb in CORE) and fresh(a)[0] != fresh(b)[0]:
                    continue
                case("exact", f"[{ra}] vs [{rb}]", [a], [b])
                case("exact", f"({ra},) vs ({rb},)", (a,), (b,))
                case("exact", f"[{ra}] vs ({rb},)", [a], (b,))
                case("exact", f"[0, ({ra}, 'x')] vs [0, ({rb}, 'x')]", [0, (a, "x")], [0, (b, "x")])
                case("exact", f"{{'k': {ra}}} vs {{'k': {rb}}}", {"k": a}, {"k": b})
                if hashable(a) and hashable(b):
                    case("exact", f"{{{ra}}} vs frozenset({{{rb}}})", {a}, frozenset({b}))
                    case("exact", f"{{{ra}: 0}} vs {{{rb}: 0}}", {a: 0}, {b: 0})
                case("unordered", f"[{ra}, {rb}] vs [{rb}]", [a, b], [b])
                case("unordered", f"[{ra}] vs [{ra}, {rb}]", [a], [a, b])
                case("unordered", f"[[{ra}]] vs [[{rb}]]", [[a]], [[b]])
                case("unordered", f"{ra} vs [{rb}]", a, [b])

        json.dump(cases, sys.stdout)
        """#
}
