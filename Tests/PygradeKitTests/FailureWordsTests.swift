import Foundation
import Testing

@testable import PygradeKit

/// The worker sends codes (Ending); these are the words reports have always
/// shown for them, each code through the wire and back.
@Suite("Failure words")
struct FailureWordsTests {
    static let words: [(Ending, loading: Bool, String)] = [
        (.wallLimit, false, "ran past the wall-clock limit"),
        (.wallLimit, true, "loading the submission took too long"),
        (.cpuLimit, false, "used all its CPU time"),
        (.cpuLimit, true, "loading the submission used all its CPU time"),
        (.cpuSignal, true, "used all its CPU time"),
        (.budget, false, "ran past the exercise's wall budget"),
        (.notRunBudget, false, "not run: the exercise ran past its wall budget"),
        (.outputLimit(bytes: 4096), false, "printed more than 4096 bytes"),
        (.flood, false, "sent more result data than allowed"),
        (.notRunFlood, false, "not run: the exercise sent more result data than allowed"),
        (.forgedFrame, false, "wrote forged data into the result channel"),
        (.channelClosed, false, "closed its result channel and kept running"),
        (.fileSize, false, "wrote a file larger than allowed"),
        (.forbiddenCall, false, "made a forbidden system call"),
        (.crash(signal: SIGSEGV), false, "crashed (SIGSEGV)"),
        (.crashAtMemoryLimit(signal: SIGABRT), false, "crashed (SIGABRT) at the memory limit"),
        (.signal(7), false, "killed by signal 7"),
        (.exit(3), false, "the process exited during the test (exit code 3)"),
    ]

    @Test func everyEndingHasItsWordsAndSurvivesTheWire() throws {
        for (ending, loading, text) in Self.words {
            #expect(FailureWords.words(ending, loading: loading) == text)
            var o = TestOutcome(index: 0, kind: .error)
            o.ending = ending
            var r = JobResponse()
            r.tests = [o]
            #expect(try Message(binary: r).decodeBinary(JobResponse.self).tests[0].ending == ending)
        }
    }

    /// A child that held hidden inputs (the normal run) chooses its exit
    /// code and signal per test: those words keep the kind, not the number.
    @Test func theNormalRunsWordsCarryNoNumberTheChildChose() {
        #expect(FailureWords.words(.exit(3), loading: false, exact: false) == "the process exited during the test")
        #expect(FailureWords.words(.signal(7), loading: false, exact: false) == "killed by a signal")
        #expect(FailureWords.words(.crash(signal: SIGSEGV), loading: false, exact: false) == "crashed")
        #expect(FailureWords.words(.crashAtMemoryLimit(signal: SIGABRT), loading: false, exact: false) == "crashed at the memory limit")
        #expect(FailureWords.words(.signal(65), loading: false, exact: false) == nil)
        for (ending, loading, text) in Self.words {
            switch ending {
            case .exit, .signal, .crash, .crashAtMemoryLimit: continue
            default: #expect(FailureWords.words(ending, loading: loading, exact: false) == text)
            }
        }
    }

    /// A number no process can have is not said; a code no worker sends
    /// does not decode.
    @Test func numbersOutOfRangeAreNotSaid() {
        #expect(FailureWords.words(.signal(65), loading: false) == nil)
        #expect(FailureWords.words(.exit(256), loading: false) == nil)
        #expect(FailureWords.words(.crash(signal: SIGUSR1), loading: false) == nil)
        #expect(Ending(code: 0, parameter: 0) == nil)
    }

    /// Protocol faults keep the words users saw when they were errno values.
    @Test func protocolFaultsKeepTheirWords() {
        #expect(ProtocolError(.truncated, "read").description == "read: Broken pipe")
        #expect(ProtocolError(.tooLarge, "frame of 9 bytes").description == "frame of 9 bytes: Message too long")
        #expect(ProtocolError(.malformedFrame, "malformed frame").description == "malformed frame: Protocol error")
        #expect(ProtocolError(.closed).description == "the worker closed its channel")
        #expect(ProtocolError(SystemError("read", code: EBADF)).description == "read: Bad file descriptor")
    }
}
