import Foundation
import Testing
@testable import Failures

/// Select, then re-check across three constructed iterations, through the manifest and the history.
@Suite struct FailureTrackerTests {
    let history = try! FailureHistory(path: FileManager.default.temporaryDirectory
        .appendingPathComponent("tracker-\(UUID().uuidString).sqlite").path)

    func iteration(_ verdicts: [Int: String?]) -> IterationInput {
        IterationInput(records: verdicts.keys.sorted().map { gtCase($0, image: $0, error: verdicts[$0]!, confidence: 0.5) })
    }

    @Test func selectThenCheckFindsTheFixedAndTheBroken() throws {
        var manifest = FailureManifest()
        let selection = try FailureTracker.select(iteration([1: "Miss", 2: "Loc", 3: nil, 4: nil]), iteration: "it1", run: "r",
                                                  manifest: &manifest, history: history, policy: SelectionPolicy(minCases: 2))
        #expect(selection.cases.map(\.key) == ["gt-1", "gt-2"])
        try manifest.add(FailureCase(id: "gt-3", image: "3", target: CaseTarget(kind: .groundTruth, classId: 1, groundTruthId: 3),
                                     error: "Miss", firstSeen: "it1", pinned: true, note: "customer report"))

        let second = try FailureTracker.check(iteration([1: nil, 2: "Both", 3: "Miss", 4: "Cls"]), iteration: "it2", run: "r",
                                              manifest: manifest, history: history)
        #expect(second.previous?.name == "it1")
        #expect(second.recheck.cases.map(\.status) == [.fixed, .stillFailing, .newlyBroken])
        #expect(second.recheck.flips?.negativeFlips == ["gt-3", "gt-4"])
        #expect(second.recheck.flips?.backwardTrustCompatibility == 0)
        #expect(try history.metrics(iteration: second.iteration!)["cases.newly broken"] == 1)

        _ = try FailureTracker.check(iteration([1: "Miss", 2: "Both", 3: "Miss", 4: nil]), iteration: "it3", run: "r",
                                     manifest: manifest, history: history)
        #expect(try history.brokenBy(caseId: "gt-1", run: "r")?.name == "it3")
        #expect(try history.failingSince(caseId: "gt-3", run: "r")?.name == "it2")
        #expect(try history.flippingCases(run: "r") == [FlippingCase(caseId: "gt-1", flips: 2)])

        let rows = try StatusTable.rows(manifest: manifest, checks: history.statuses(iteration: history.iterations(run: "r").last!),
                                        history: history, run: "r")
        let text = StatusTable.render(rows)
        #expect(text.hasPrefix("case"))
        #expect(text.contains("gt-3 *"))  // pinned
        #expect(rows.map(\.status) == ["newly broken", "still failing", "still failing"])
        #expect(rows.first?.brokenBy == "it3" && rows.first?.flips == 2)
    }

    @Test func withoutAHistoryTheManifestIsTheOnlyMemory() throws {
        var manifest = FailureManifest()
        _ = try FailureTracker.select(iteration([1: "Miss"]), iteration: "it1", run: "r", manifest: &manifest, history: nil)
        let result = try FailureTracker.check(iteration([1: nil]), iteration: "it2", run: "r", manifest: manifest, history: nil)
        #expect(result.recheck.cases.map(\.status) == [.fixed])
        #expect(result.previous == nil && result.recheck.flips == nil)
    }
}
