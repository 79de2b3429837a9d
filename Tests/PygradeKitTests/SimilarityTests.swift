import Foundation
import Testing

@testable import PygradeKit

/// Similarity on answers built from the fixtures: copies disguised as a
/// copier would disguise them rank above every pair of independent answers.
@Suite struct SimilarityTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("Fixtures/\(name).py"), encoding: .utf8)
    }

    /// Five independent answers to the exercises, each a different fixture
    /// per exercise (four fixtures of flatten's kind exist: one goes without).
    static let originals: [[String]] = [
        ["reverse_recursive", "anagrams_sets", "duplicates_count_quadratic", "flatten_recursive_extend", "cache_str_key_wraps"],
        [
            "reverse_prepend_quadratic", "anagrams_counter_lower", "duplicates_list_set_of_dups", "flatten_isinstance_list_tuple",
            "cache_truthy_lookup",
        ],
        [
            "reverse_own_helper_named_reverse", "anagrams_count_quadratic", "duplicates_sort_neighbours", "flatten_concat_quadratic",
            "cache_sorted_kwargs_key",
        ],
        ["reverse_reduce_lambda_param", "anagrams_length_before_spaces", "duplicates_floats_for_big_ints", "cache_linear_list"],
        ["reverse_index_loop", "anagrams_lower_sorted", "duplicates_float_near_big_int", "cache_without_wraps"],
    ]

    static let keep: Set<String> = Set(
        ("False None True and as assert async await break class continue def del elif else except finally for from global if "
            + "import in is lambda nonlocal not or pass raise return try while with yield self len range list set dict tuple str "
            + "int float sorted isinstance iter hash type abs all any object frozenset math functools copy Counter collections "
            + "reduce reverse_string are_anagrams find_duplicates flatten_list simple_cache func args kwargs wraps").split(
                separator: " "
            ).map(String.init))

    /// Every name the answer chose, renamed (not attributes, keywords,
    /// builtins or the exercises' entry points); text in strings kept.
    static func renamed(_ source: String, prefix: String) -> String {
        var names: [String: String] = [:]
        var out = ""
        var inString: Character?
        var previous: Character = " "
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            if Self.keep.contains(word) || out.last == "." || word.first!.isNumber {
                out += word
            } else {
                if names[word] == nil { names[word] = "\(prefix)\(names.count)" }
                out += names[word]!
            }
            word = ""
        }
        for c in source {
            if let q = inString {
                out.append(c)
                if c == q && previous != "\\" { inString = nil }
            } else if c == "\"" || c == "'" {
                flush()
                inString = c
                out.append(c)
            } else if c.isLetter || c.isNumber || c == "_" {
                word.append(c)
            } else {
                flush()
                out.append(c)
            }
            previous = c
        }
        flush()
        return out
    }

    /// Comments replaced by other comments, one per changed line.
    static func recommented(_ source: String) -> String {
        source.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard let hash = line.firstIndex(of: "#") else { return String(line) }
            let code = line[..<hash]
            return code.trimmingCharacters(in: .whitespaces).isEmpty ? "" : code + "  # done here"
        }.joined(separator: "\n")
    }

    static let deadCode = """

        def _check_total(values, scale):
            total = 0
            for value in values:
                if value > scale:
                    total += value * scale
            return total


        """

    /// The answer's parts in reverse order, with dead code among them.
    static func reordered(_ parts: [String]) -> String {
        var out = parts.reversed().map { $0 + "\n\n" }
        out.insert(deadCode, at: out.count / 2)
        return out.joined()
    }

    @Test func namesLiteralsCommentsAndLayoutDoNotChangeTheTokens() {
        func symbols(_ s: String) -> [UInt64] { PythonTokens(Array(s.utf8)).tokens.map(\.symbol) }
        let a = "def f(xs, n):\n    # sum\n    return [x * 2 for x in xs if x > n] + ['a', 1.5]\n"
        let b = "def g(items,\n      limit):\n\n    return [v * 7 for v in items if v > limit] + [\"b\", 0x10]  # c\n"
        #expect(symbols(a) == symbols(b))
        #expect(symbols(a) != symbols(a.replacingOccurrences(of: "x > n", with: "x >= n")))
        // Attributes and builtins are kept: they say what the code does.
        #expect(symbols("a.lower()") != symbols("a.upper()"))
        #expect(symbols("len(a)") != symbols("max(a)"))
        // A comment marker in a string is text; a triple-quoted string is one literal.
        #expect(symbols("x = '#'\ny = 1\n") == symbols("x = 'a'\ny = 2\n"))
        #expect(symbols("s = \"\"\"a\n'b'\nc\"\"\"\nz\n") == symbols("s = 1\nz\n"))
    }

    @Test func disguisedCopiesRankAboveEveryIndependentPair() throws {
        var documents: [Similarity.Document] = []
        var family: [Int] = []
        for (n, names) in Self.originals.enumerated() {
            let parts = try names.map(Self.fixture)
            let original = parts.joined(separator: "\n\n")
            let copies = [
                original,
                Self.recommented(Self.renamed(original, prefix: "v")),
                Self.renamed(Self.reordered(parts.map(Self.recommented)), prefix: "tmp_"),
            ]
            for (c, text) in copies.enumerated() {
                documents.append(Similarity.Document(name: "answer\(n)-\(c).py", text: Array(text.utf8)))
                family.append(n)
            }
        }
        let base = try ["anagrams", "cache", "duplicates", "flatten", "reverse"].flatMap { id in
            try ["reference.py", "starter.py"].map { file in
                [UInt8](try Data(contentsOf: Self.root.appendingPathComponent("Exercises/\(id)/\(file)")))
            }
        }
        let similarity = Similarity(candidates: documents, base: base)
        var copies: [Double] = []
        var independent: [Double] = []
        for a in 0..<documents.count {
            for b in (a + 1)..<documents.count {
                let fraction = similarity.pairs.first { $0.a == a && $0.b == b }?.fraction ?? 0
                if family[a] == family[b] { copies.append(fraction) } else { independent.append(fraction) }
            }
        }
        #expect(copies.count == 15 && independent.count == 90)
        let lowestCopy = try #require(copies.min())
        let highestIndependent = try #require(independent.max())
        #expect(lowestCopy > highestIndependent, "copies \(copies.sorted()), independent \(independent.sorted().suffix(5))")
        // And in the ranking itself: the 15 copy pairs come first.
        let top = similarity.pairs.prefix(15).map { family[$0.a] == family[$0.b] }
        #expect(top == Array(repeating: true, count: 15))
    }

    @Test func starterReferencesAndWhatMostShareAreLeftOut() throws {
        let shared =
            "def helper(values):\n    out = []\n    for v in values:\n        if v not in out:\n            out.append(v)\n    return out\n"
        let own = [
            "def a(x):\n    total = 0\n    while x > 0:\n        total += x % 10\n        x //= 10\n    return total\n",
            "def b(s):\n    return {c: s.count(c) for c in set(s) if c.isalpha() and c != ' '}\n",
            "def c(m):\n    return [[row[i] for row in m] for i in range(len(m[0]))] if m else []\n",
            "class D:\n    def __init__(self):\n        self.items = {}\n    def put(self, k, v):\n        self.items[k] = v\n",
        ]
        // Every candidate holds `shared`: more than half of the batch.
        let candidates = own.enumerated().map { Similarity.Document(name: "c\($0.offset)", text: Array((shared + $0.element).utf8)) }
        let s = Similarity(candidates: candidates)
        #expect(s.commonCount > 0)
        #expect(s.pairs.isEmpty, "\(s.pairs)")
        // Two candidates alone are never "more than half": their shared code counts...
        let two = Similarity(candidates: Array(candidates.prefix(2)))
        #expect(two.pairs.count == 1 && two.commonCount == 0)
        // ...unless it is the starter code or a reference: what is left are
        // the runs across its end into each one's own code.
        let based = Similarity(candidates: Array(candidates.prefix(2)), base: [Array(shared.utf8)])
        let unbased = try #require(two.pairs.first)
        #expect(unbased.fraction >= SimilarityReport.defaultThreshold, "\(unbased)")
        #expect(based.pairs.allSatisfy { $0.fraction < SimilarityReport.defaultThreshold }, "\(based.pairs)")
    }

    @Test func aCandidateMatchingAKnownAnswerIsFlaggedAndSpansAreMarked() throws {
        let known =
            "def reverse_string(s):\n    out = []\n    i = len(s) - 1\n    while i >= 0:\n        out.append(s[i])\n        i -= 1\n    return ''.join(out)\n"
        let copy = "# mine\n" + known.replacingOccurrences(of: "out", with: "acc")
        let other = "def reverse_string(word):\n    return ''.join(word[k] for k in sorted(range(len(word)), key=lambda n: -n))\n"
        let s = Similarity(
            candidates: [
                Similarity.Document(name: "ana.py", text: Array(copy.utf8)),
                Similarity.Document(name: "bob.py", text: Array(other.utf8)),
            ],
            known: [Similarity.Document(name: "article.py", text: Array(known.utf8))])
        let report = SimilarityReport(s)
        let matches = s.knownMatches(atLeast: 0.5)
        #expect(matches.count == 1)
        let match = try #require(matches.first)
        #expect(s.documents[match.a].name == "ana.py" && s.documents[match.b].name == "article.py")
        #expect(match.fraction == 1)
        #expect(report.text().contains("known: article.py"))
        // The shared run is marked in both, from its first token to its last.
        let (a, b) = s.spans(match)
        #expect(a.count == 1 && b.count == 1)
        let marked = SimilarityReport.marked(Array(copy.utf8), a)
        #expect(marked.hasPrefix("# mine\n<mark>def reverse_string(s):"), "\(marked)")
        #expect(marked.contains("return &#39;&#39;.join(acc)</mark>"), "\(marked)")
    }
}
