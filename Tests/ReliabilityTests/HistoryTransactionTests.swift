@testable import Failures
import Foundation
import Testing

/// A history write that fails half-way (here: the same case twice, which the caseStatus key refuses after the run,
/// the iteration and its metrics are already inserted) leaves the database exactly as it was: one transaction.
@Suite struct HistoryTransactionTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).sqlite").path

    func check(_ id: String, failing error: String?) -> CaseCheck {
        CaseCheck(caseId: id, previousError: nil, currentError: error, status: error == nil ? .passing : .stillFailing, confidence: nil)
    }

    @Test func aFailedFirstRecordLeavesNoRunAndNoIteration() throws {
        let history = try FailureHistory(path: path)
        #expect(throws: (any Error).self) {
            try history.record(run: "r", iteration: "it1", metrics: ["AP": 0.5], predictions: [],
                               statuses: [check("a", failing: "Miss"), check("a", failing: nil)])
        }
        #expect(try history.iterations(run: "r").isEmpty)
        // The run name is free again: nothing of the failed write is left to collide with.
        try history.record(run: "r", iteration: "it1", metrics: ["AP": 0.5], predictions: [], statuses: [check("a", failing: "Miss")])
        #expect(try history.iterations(run: "r").map(\.name) == ["it1"])
    }

    @Test func aFailedRewriteKeepsTheIterationAsItWas() throws {
        let history = try FailureHistory(path: path)
        let first = try history.record(run: "r", iteration: "it1", metrics: ["AP": 0.5], predictions: [],
                                       statuses: [check("a", failing: "Miss"), check("b", failing: nil)])
        // Re-recording an iteration deletes its rows first; the failure must bring them back.
        #expect(throws: (any Error).self) {
            try history.record(run: "r", iteration: "it1", metrics: ["AP": 0.9], predictions: [],
                               statuses: [check("a", failing: nil), check("a", failing: nil)])
        }
        let info = try #require(history.iterations(run: "r").first)
        #expect(info.id == first.id)
        #expect(try history.metrics(iteration: info) == ["AP": 0.5])
        #expect(try history.statuses(iteration: info).map(\.caseId).sorted() == ["a", "b"])
        #expect(try history.failingSince(caseId: "a", run: "r")?.name == "it1")
    }
}
