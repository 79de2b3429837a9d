import Foundation
import PygradeKit
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// The grading node against an in-memory queue: what it writes for a job,
/// and under which lease.
@Suite(.serialized)
struct NodeGradingTests {
    /// Runs a node until `body` is done, then stops it and waits for it.
    func withNode(
        _ queue: NodeTestQueue, slots: Int = 1, lease: Double = 60, grace: Double = 30, executable: String = NodeFixture.pygrade,
        _ body: (GradingNode) async throws -> Void
    ) async throws {
        let data = TemporaryFolder(prefix: "pygrade-node")
        let node = try NodeFixture.node(queue, data: data, slots: slots, lease: lease, grace: grace, executable: executable)
        let running = Task { try await node.run() }
        do { try await body(node) } catch {
            node.stop()
            _ = try? await running.value
            throw error
        }
        node.stop()
        try await running.value
    }

    @Test func aFileGetsTheReportGradeGives() async throws {
        let folder = TemporaryFolder(prefix: "pygrade-node")
        folder.write("sol.py", NodeFixture.reverseSolution)
        let cli = try await NodeFixture.runPygrade(
            ["grade", "--format", "json", "--exercises-dir", NodeFixture.exercises.path, "sol.py"], in: folder.url)
        #expect(cli.status == 1, "one exercise of several is answered: graded and failed")

        let queue = NodeTestQueue()
        try await withNode(queue) { node in
            let id = try await queue.add(
                NodeFixture.payload(SubmissionRequest(source: NodeFixture.reverseSolution, filename: "sol.py")),
                exercisesSHA256: node.exercisesSHA256)
            let job = await queue.waitFor(id, [.done, .failed])
            #expect(job?.state == .done, "\(job?.error ?? "")")
            #expect(job?.attempts == 1)
            let served = try NodeFixture.comparable(try #require(job?.result))
            let graded = try NodeFixture.comparable(cli.stdout)
            #expect(served == graded)
            #expect(served["submission"] as? String == "sol.py")
            #expect(await queue.completions[id] == 1)
        }
    }

    /// Found by the attacker: a result nested just under the decoder's cap
    /// crashed the whole service (SIGSEGV) on the slot's 1 MiB stack, then
    /// every node that claimed the job again. It is a wrong answer.
    @Test func aResultNestedToTheDecodersCapIsAWrongAnswerNotACrash() async throws {
        let queue = NodeTestQueue()
        try await withNode(queue) { node in
            let source = """
                def flatten_list(nested):
                    v = []
                    for _ in range(\(ValueCodec.maxDepth - 10)):
                        v = [v]
                    return v

                """
            let id = try await queue.add(
                NodeFixture.payload(SubmissionRequest(source: source, exercises: ["flatten"])), exercisesSHA256: node.exercisesSHA256)
            let job = await queue.waitFor(id, [.done, .failed])
            #expect(job?.state == .done, "\(job?.error ?? "")")
            let result = try #require(job?.result)
            let report = try #require(try JSONSerialization.jsonObject(with: result) as? [String: Any])
            let exercise = try #require((report["exercises"] as? [[String: Any]])?.first)
            #expect(exercise["status"] as? String == "wrong_answer", "\(exercise)")
            #expect(node.workersUp)
        }
    }

    @Test func aFolderIsGradedByTheFolderRules() async throws {
        let queue = NodeTestQueue()
        try await withNode(queue) { node in
            let id = try await queue.add(
                NodeFixture.payload(
                    SubmissionRequest(
                        files: ["reverse.py": NodeFixture.reverseSolution, "notes.txt": "not graded"], exercises: ["reverse"])),
                exercisesSHA256: node.exercisesSHA256)
            let job = await queue.waitFor(id, [.done, .failed])
            #expect(job?.state == .done, "\(job?.error ?? "")")
            let report = try NodeFixture.comparable(try #require(job?.result))
            #expect(report["submission"] as? String == "submission/")
            #expect(report["verdict"] as? String == "passed")
        }
    }

    @Test func theCandidatesOwnProblemsFailTheJobOnceWithTheReason() async throws {
        let queue = NodeTestQueue()
        try await withNode(queue) { node in
            let binary = try await queue.add(
                NodeFixture.payload(SubmissionRequest(source: "x = 1\u{0}\n")), exercisesSHA256: node.exercisesSHA256)
            let twoFiles = try await queue.add(
                NodeFixture.payload(SubmissionRequest(files: ["a.py": "x = 1\n", "b.py": "y = 2\n"])), exercisesSHA256: node.exercisesSHA256
            )
            let unknown = try await queue.add(
                NodeFixture.payload(SubmissionRequest(source: "x = 1\n", exercises: ["no-such-exercise"])),
                exercisesSHA256: node.exercisesSHA256)
            let garbage = try await queue.add(SubmissionRequestPayload(data: Data("not json".utf8)), exercisesSHA256: node.exercisesSHA256)
            let cases: [(String, String)] = [
                (binary, "submission.py: binary content (NUL bytes), not Python source"),
                (
                    twoFiles,
                    "submission/: 2 .py files (a.py, b.py) and none is solution.py, main.py or <exercise>.py: cannot tell which file to grade"
                ),
                (unknown, "unknown exercise 'no-such-exercise'"),
                (garbage, "the job's payload is not a submission request"),
            ]
            for (id, reason) in cases {
                let job = await queue.waitFor(id, [.done, .failed])
                #expect(job?.state == .failed)
                #expect(job?.attempts == 1, "a refusal is not retried")
                #expect(job?.error?.hasPrefix(reason) == true, "\(job?.error ?? "nil")")
            }
        }
    }

    @Test func anInlineAssignmentChoosesTheExercises() async throws {
        let queue = NodeTestQueue()
        try await withNode(queue) { node in
            let assignment = JSONValue.object([
                "name": .string("week 1"), "exercises": .array([.object(["id": .string("reverse"), "points": .number(50)])]),
            ])
            let id = try await queue.add(
                NodeFixture.payload(SubmissionRequest(source: NodeFixture.reverseSolution, assignment: assignment)),
                exercisesSHA256: node.exercisesSHA256)
            let job = await queue.waitFor(id, [.done, .failed])
            #expect(job?.state == .done, "\(job?.error ?? "")")
            let report = try NodeFixture.comparable(try #require(job?.result))
            #expect((report["exercises"] as? [[String: Any]])?.map { $0["id"] as? String } == ["reverse"])
            #expect(report["max_score"] as? Double == 50)
            #expect((report["assignment"] as? [String: Any])?["name"] as? String == "week 1")
        }
    }

    @Test func aJobOfOtherExercisesIsNotClaimed() async throws {
        let queue = NodeTestQueue()
        try await withNode(queue) { node in
            let id = try await queue.add(NodeFixture.payload(SubmissionRequest(source: "x = 1\n")), exercisesSHA256: "other")
            #expect(await NodeFixture.eventually { node.workersUp })
            try await Task.sleep(for: .seconds(1))
            #expect(try await queue.job(id)?.state == .queued)
        }
    }

    @Test func aNodeWhoseWorkerCannotStartIsNotUpAndClaimsNothing() async throws {
        let queue = NodeTestQueue()
        try await withNode(queue, executable: "/bin/false") { node in
            let id = try await queue.add(NodeFixture.payload(SubmissionRequest(source: "x = 1\n")), exercisesSHA256: node.exercisesSHA256)
            try await Task.sleep(for: .seconds(1))
            #expect(!node.workersUp)
            #expect(try await queue.job(id)?.state == .queued)
        }
    }
}
