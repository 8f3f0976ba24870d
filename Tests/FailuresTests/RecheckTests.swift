import Testing
@testable import Failures

/// Statuses of curated cases and flips over the validation set on two constructed iterations.
@Suite struct RecheckTests {
    let manifest = FailureManifest(cases: [
        FailureCase(id: "gt-1", image: "1", target: CaseTarget(kind: .groundTruth, classId: 1, box: [0, 0, 10, 10], groundTruthId: 1), error: "Miss", firstSeen: "it1"),
        FailureCase(id: "gt-2", image: "2", target: CaseTarget(kind: .groundTruth, classId: 1, box: [0, 0, 10, 10], groundTruthId: 2), error: "Loc", firstSeen: "it1"),
        FailureCase(id: "gt-3", image: "3", target: CaseTarget(kind: .groundTruth, classId: 1, box: [0, 0, 10, 10], groundTruthId: 3), error: "Cls", firstSeen: "it1"),
        FailureCase(id: "gt-4", image: "4", target: CaseTarget(kind: .groundTruth, classId: 2, box: [0, 0, 10, 10], groundTruthId: 4), error: "Miss", firstSeen: "it1"),
        FailureCase(id: "region-5-1-40,40,10,10", image: "5", target: CaseTarget(kind: .region, classId: 1, box: [40, 40, 10, 10]), error: "Bkg", firstSeen: "it1"),
    ])

    func region(image: Int, box: [Double], error: String, confidence: Double) -> CaseRecord {
        CaseRecord(key: "region-\(image)-1-\(box.map { String(Int($0)) }.joined(separator: ","))", image: String(image),
                   target: CaseTarget(kind: .region, classId: 1, box: box), error: error, confidence: confidence)
    }

    var before: [CaseRecord] {
        [gtCase(1, image: 1, error: "Miss"), gtCase(2, image: 2, error: "Loc"), gtCase(3, image: 3, error: "Cls"),
         gtCase(4, image: 4, classId: 2, error: nil), gtCase(6, image: 6, error: nil), gtCase(7, image: 7, error: nil),
         region(image: 5, box: [40, 40, 10, 10], error: "Bkg", confidence: 0.9)]
    }
    var after: [CaseRecord] {
        [gtCase(1, image: 1, error: nil), gtCase(2, image: 2, error: "Loc"), gtCase(3, image: 3, error: "Both"),
         gtCase(4, image: 4, classId: 2, error: "Miss"), gtCase(6, image: 6, error: "Cls"), gtCase(7, image: 7, error: nil),
         region(image: 5, box: [41, 41, 10, 10], error: "Bkg", confidence: 0.6)]  // the same false positive, moved a pixel
    }

    @Test func everyCaseGetsItsStatus() {
        let r = Rechecker.recheck(manifest, current: after, previous: before)
        let status = Dictionary(uniqueKeysWithValues: r.cases.map { ($0.caseId, $0.status) })
        #expect(status == ["gt-1": .fixed, "gt-2": .stillFailing, "gt-3": .stillFailing, "gt-4": .newlyBroken,
                           "region-5-1-40,40,10,10": .stillFailing])
        #expect(r.newlyBroken.map(\.caseId) == ["gt-4"])
    }

    @Test func stillFailingCarriesTheNewErrorType() {
        let r = Rechecker.recheck(manifest, current: after, previous: before)
        let gt3 = r.cases.first { $0.caseId == "gt-3" }!
        #expect(gt3.previousError == "Cls" && gt3.currentError == "Both" && gt3.errorChanged)
        #expect(r.cases.first { $0.caseId == "gt-2" }!.errorChanged == false)
    }

    @Test func aFalsePositiveThatDisappearsIsFixed() {
        let r = Rechecker.recheck(manifest, current: after.filter { $0.target.kind != .region }, previous: before)
        #expect(r.cases.last!.status == .fixed)
    }

    @Test func withoutAPreviousIterationTheManifestErrorStandsForBefore() {
        let r = Rechecker.recheck(manifest, current: after, previous: nil)
        #expect(r.cases.first { $0.caseId == "gt-1" }!.status == .fixed)  // added as a Miss, right now
        #expect(r.cases.first { $0.caseId == "gt-4" }!.status == .stillFailing)  // right before, but the manifest says Miss
        #expect(r.flips == nil)
    }

    @Test func caseMissingFromTheValidationSetIsAbsent() {
        let r = Rechecker.recheck(manifest, current: after.filter { $0.key != "gt-2" }, previous: before)
        #expect(r.cases.first { $0.caseId == "gt-2" }!.status == .absent)
    }

    @Test func flipsAndBackwardTrustCompatibilityOverTheWholeSet() {
        let f = Rechecker.flips(previous: before, current: after)
        #expect(f.compared == 6)  // regions have no identity across iterations
        #expect(f.negativeFlips == ["gt-4", "gt-6"])
        #expect(f.positiveFlips == ["gt-1"])
        #expect(f.previouslyCorrect == 3 && f.stillCorrect == 1)
        #expect(f.backwardTrustCompatibility == 1.0 / 3.0)
    }

    @Test func noPreviouslyCorrectCaseMeansNoCompatibilityFigure() {
        let f = Rechecker.flips(previous: [gtCase(1, image: 1, error: "Miss")], current: [gtCase(1, image: 1, error: nil)])
        #expect(f.backwardTrustCompatibility == nil)
        #expect(f.positiveFlips == ["gt-1"])
    }
}
