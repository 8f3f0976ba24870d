import Foundation
import Testing
@testable import Failures

/// The history database answers "since when", "which iteration broke it" and "which cases flip".
@Suite struct FailureHistoryTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).sqlite").path

    func check(_ id: String, _ error: String?) -> CaseCheck {
        CaseCheck(caseId: id, previousError: nil, currentError: error, status: error == nil ? .passing : .stillFailing, confidence: nil)
    }

    /// Five iterations. a: ok ok FAIL FAIL FAIL; b: FAIL ok FAIL ok FAIL; c: FAIL FAIL FAIL FAIL ok.
    func fiveIterations(_ history: FailureHistory) throws {
        let verdicts: [[String: String?]] = [
            ["a": nil, "b": "Miss", "c": "Cls"],
            ["a": nil, "b": nil, "c": "Cls"],
            ["a": "Loc", "b": "Miss", "c": "Cls"],
            ["a": "Loc", "b": nil, "c": "Both"],
            ["a": "Miss", "b": "Miss", "c": nil],
        ]
        for (i, v) in verdicts.enumerated() {
            try history.record(run: "r", iteration: "it\(i + 1)", metrics: ["AP": Double(i) / 10],
                               predictions: [], statuses: v.keys.sorted().map { check($0, v[$0]!) })
        }
    }

    @Test func sinceWhenDoesThisCaseFail() throws {
        let h = try FailureHistory(path: path)
        try fiveIterations(h)
        #expect(try h.failingSince(caseId: "a", run: "r")?.name == "it3")
        #expect(try h.failingSince(caseId: "b", run: "r")?.name == "it5")
        #expect(try h.failingSince(caseId: "c", run: "r") == nil)  // right in the latest iteration
    }

    @Test func whichIterationBrokeIt() throws {
        let h = try FailureHistory(path: path)
        try fiveIterations(h)
        #expect(try h.brokenBy(caseId: "a", run: "r")?.name == "it3")
        #expect(try h.brokenBy(caseId: "b", run: "r")?.name == "it5")
        #expect(try h.brokenBy(caseId: "c", run: "r") == nil)  // failed from the start, never broken
    }

    @Test func whichCasesFlipBackAndForth() throws {
        let h = try FailureHistory(path: path)
        try fiveIterations(h)
        #expect(try h.flippingCases(run: "r") == [FlippingCase(caseId: "b", flips: 4)])
        #expect(try h.flippingCases(run: "r", minFlips: 1).map(\.caseId) == ["b", "a", "c"])
    }

    @Test func predictionsMetricsAndStatusesRoundTrip() throws {
        let h = try FailureHistory(path: path)
        let records = [gtCase(1, image: 1, box: [1.5, 2, 3, 4], error: "Miss", confidence: 0),
                       sampleCase(2, classId: 3, error: "Cls", confidence: 0.75)]
        let info = try h.record(run: "r", iteration: "it1", source: "a.json", metrics: ["AP": 0.5], predictions: records,
                                statuses: [CaseCheck(caseId: "gt-1", previousError: "Miss", currentError: "Miss", status: .stillFailing, confidence: 0)])
        #expect(info.sequence == 1)
        #expect(try h.predictions(iteration: info) == records)
        #expect(try h.metrics(iteration: info) == ["AP": 0.5])
        #expect(try h.statuses(iteration: info).map(\.status) == [.stillFailing])
    }

    @Test func recordingAnIterationAgainReplacesItInPlace() throws {
        let h = try FailureHistory(path: path)
        try h.record(run: "r", iteration: "it1", metrics: ["AP": 0.1], predictions: [], statuses: [])
        try h.record(run: "r", iteration: "it2", metrics: ["AP": 0.2], predictions: [], statuses: [])
        let again = try h.record(run: "r", iteration: "it1", metrics: ["AP": 0.3], predictions: [], statuses: [])
        #expect(again.sequence == 1)
        #expect(try h.iterations(run: "r").map(\.name) == ["it1", "it2"])
        #expect(try h.metrics(iteration: again) == ["AP": 0.3])
        #expect(try h.iteration(before: "it2", run: "r")?.name == "it1")
        #expect(try h.iteration(before: "it3", run: "r")?.name == "it2")
        #expect(try h.iteration(before: "it1", run: "r") == nil)
    }

    @Test func migrationsAreRecordedAndReopeningKeepsTheData() throws {
        do {
            let h = try FailureHistory(path: path)
            try h.record(run: "r", iteration: "it1", metrics: [:], predictions: [], statuses: [])
        }
        let reopened = try FailureHistory(path: path)
        #expect(try reopened.appliedMigrations() == ["v1: runs, iterations, metrics, case statuses, predictions"])
        #expect(try reopened.iterations(run: "r").count == 1)
    }

    @Test func aFileThatIsNotADatabaseIsBadInput() throws {
        try Data("not sqlite at all, just text".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: FailuresError.self) { try FailureHistory(path: path) }
    }
}
