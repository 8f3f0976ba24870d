import Testing
@testable import Failures

/// Selection of the minimal failure set on constructed cases with known answers.
@Suite struct FailureSelectionTests {
    /// Ten confident Miss cases of class 1 on separate images, plus one rare low-confidence case per other type/class.
    var mixed: [CaseRecord] {
        var cases = (0..<10).map { gtCase($0, image: $0, classId: 1, error: "Miss", confidence: 0.9 - Double($0) * 0.01) }
        cases.append(gtCase(100, image: 100, classId: 2, error: "Loc", confidence: 0.05))
        cases.append(gtCase(101, image: 101, classId: 3, error: "Cls", confidence: 0.04))
        cases.append(gtCase(102, image: 102, classId: 1, error: nil, confidence: 0.99))
        return cases
    }

    @Test func everyErrorTypeAndFailingClassIsRepresentedEvenWhenRare() {
        let s = FailureSelector.select(from: mixed, policy: SelectionPolicy(minCases: 3, maxCases: 5))
        #expect(Set(s.cases.compactMap(\.error)) == ["Miss", "Loc", "Cls"])
        #expect(Set(s.cases.map(\.target.classId)) == [1, 2, 3])
        #expect(s.cases.count == 3)
        #expect(s.uncoveredErrorTypes.isEmpty && s.uncoveredClasses.isEmpty)
    }

    @Test func topErrorsTakeEachTypeInTurnMostConfidentFirstAndSkipTheCuratedOnes() {
        // Ten Miss, one Loc, one Cls; gt-0 (the most confident Miss) is already curated.
        let top = FailureSelector.topErrors(mixed, excluding: ["gt-0"], limit: 5)
        #expect(top.map(\.key) == ["gt-101", "gt-100", "gt-1", "gt-2", "gt-3"])
        #expect(FailureSelector.topErrors(mixed, excluding: [], limit: 0).isEmpty)
        #expect(FailureSelector.topErrors(mixed, excluding: [], limit: 100).count == 12)
        // With a second, more confident Loc case listed last the turns and the order within a type show: Cls, the
        // most confident Loc, Miss, then the other Loc and Miss (not all Loc before Miss, not input order).
        let twoLocs = mixed + [gtCase(103, image: 103, classId: 2, error: "Loc", confidence: 0.06)]
        #expect(FailureSelector.topErrors(twoLocs, excluding: ["gt-0"], limit: 5).map(\.key) == ["gt-101", "gt-103", "gt-1", "gt-100", "gt-2"])
    }

    @Test func correctCasesAreNeverSelected() {
        let s = FailureSelector.select(from: mixed, policy: SelectionPolicy(minCases: 20, maxCases: 20))
        #expect(!s.cases.contains { $0.key == "gt-102" })
        #expect(s.cases.count == 12)
    }

    @Test func mostConfidentMistakesComeFirstAndFillToTheMinimum() {
        let s = FailureSelector.select(from: mixed, policy: SelectionPolicy(minCases: 5, maxCases: 20))
        #expect(s.cases.map(\.key) == ["gt-0", "gt-1", "gt-2", "gt-100", "gt-101"])
    }

    @Test func nearDuplicatesOnOneImageCollapseButSeparateRegionsStay() {
        let cases = [
            gtCase(1, image: 7, box: [0, 0, 10, 10], error: "Miss", confidence: 0.9),
            gtCase(2, image: 7, box: [2, 2, 10, 10], error: "Miss", confidence: 0.8),   // overlaps gt-1
            gtCase(3, image: 7, box: [50, 50, 10, 10], error: "Miss", confidence: 0.7), // same image, elsewhere
            gtCase(4, image: 8, box: [0, 0, 10, 10], error: "Miss", confidence: 0.6),   // same box, other image
        ]
        let s = FailureSelector.select(from: cases, policy: SelectionPolicy(minCases: 10, maxCases: 20))
        #expect(s.cases.map(\.key) == ["gt-1", "gt-3", "gt-4"])
        #expect(s.collapsedDuplicates == 1)
    }

    @Test func coverageTakesANearDuplicateWhenNothingElseRepresentsItsType() {
        let cases = [
            gtCase(1, image: 7, box: [0, 0, 10, 10], error: "Miss", confidence: 0.9),
            gtCase(2, image: 7, box: [1, 1, 10, 10], error: "Loc", confidence: 0.8),
        ]
        let s = FailureSelector.select(from: cases, policy: SelectionPolicy(minCases: 1, maxCases: 20))
        #expect(s.cases.map(\.key) == ["gt-1", "gt-2"])
    }

    @Test func maxCasesCapsCoverageAndReportsWhatIsLeftOut() {
        let cases = (1...5).map { gtCase($0, image: $0, classId: $0, error: "Miss", confidence: Double($0) / 10) }
        let s = FailureSelector.select(from: cases, policy: SelectionPolicy(minCases: 1, maxCases: 3))
        #expect(s.cases.count == 3)
        #expect(s.uncoveredClasses.count == 2)
    }

    @Test func selectionDoesNotDependOnInputOrder() {
        let cases = mixed + [gtCase(200, image: 200, error: "Miss", confidence: 0.9)]  // ties gt-0 on confidence
        let policy = SelectionPolicy(minCases: 6, maxCases: 20)
        let reference = FailureSelector.select(from: cases, policy: policy)
        for seed in 1...5 {
            var g = SeededGenerator(seed: UInt64(seed))
            #expect(FailureSelector.select(from: cases.shuffled(using: &g), policy: policy) == reference)
        }
        #expect(reference.cases.prefix(2).map(\.key) == ["gt-0", "gt-200"])
    }

    @Test func classificationSamplesOfOneImageAreDuplicates() {
        var a = sampleCase(1, classId: 0, error: "Cls", confidence: 0.9)
        var b = sampleCase(2, classId: 0, error: "Cls", confidence: 0.8)
        a.image = "same.png"; b.image = "same.png"
        let c = sampleCase(3, classId: 0, error: "Cls", confidence: 0.7)
        let s = FailureSelector.select(from: [a, b, c], policy: SelectionPolicy(minCases: 10))
        #expect(s.cases.map(\.key) == ["sample-1", "sample-3"])
    }
}

/// SplitMix64: a reproducible shuffle.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
