import CJobChild
import CPython

/// An exercise's inputs, built once in the worker: every job child forked
/// afterwards inherits them without rebuilding (a million-leaf list costs
/// nothing per candidate).
final class PreparedExercise {
    let tests: UnsafeMutablePointer<PyObject>
    /// probes.py compiled, and the builtins before any candidate (both nil
    /// for an exercise without probes).
    let probesCode: UnsafeMutablePointer<PyObject>?
    let builtinsItems: UnsafeMutablePointer<PyObject>?
    /// The exercise's rules (pg_rule_hits' format, CJobChild.h), checked at run time in the
    /// job child too, and their ids in order.
    let rules: UnsafeMutablePointer<PyObject>?
    let ruleIDs: [String]
    /// Per test: the digest of (args, kwargs) before any candidate touched them.
    let argumentDigests: [[UInt8]]
    /// Per test, when asked (HarnessSpec.argumentPreviewBytes): the start of
    /// (args, kwargs)'s value stream, before any candidate touched them.
    let argumentPreviews: [[UInt8]]

    init(
        tests: UnsafeMutablePointer<PyObject>, probesCode: UnsafeMutablePointer<PyObject>?,
        builtinsItems: UnsafeMutablePointer<PyObject>?, rules: UnsafeMutablePointer<PyObject>?, ruleIDs: [String],
        argumentDigests: [[UInt8]], argumentPreviews: [[UInt8]]
    ) {
        self.argumentPreviews = argumentPreviews
        self.tests = tests
        self.rules = rules
        self.ruleIDs = ruleIDs
        self.probesCode = probesCode
        self.builtinsItems = builtinsItems
        self.argumentDigests = argumentDigests
    }

    var count: Int { PyList_Size(tests) }
}
