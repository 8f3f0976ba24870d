import Testing
@testable import Evaluation

/// Hand-computed cases for the classification taxonomy.
@Suite struct ClassificationAnalysisTests {
    // 3 classes, 6 samples: true labels and softmax rows.
    let labels = [0, 0, 1, 1, 2, 2]
    let probabilities: [Double] = [
        0.7, 0.2, 0.1,   // 0 → 0, conf .7, margin .5
        0.2, 0.5, 0.3,   // 0 → 1, conf .5, margin .2
        0.1, 0.8, 0.1,   // 1 → 1
        0.3, 0.3, 0.4,   // 1 → 2, conf .4, margin .1
        0.05, 0.05, 0.9, // 2 → 2
        0.4, 0.4, 0.2,   // 2 → 0 (first maximum), margin 0
    ]

    @Test func accuracyConfusionAndPerClassMetrics() throws {
        let a = try ClassificationAnalysis(labels: labels, probabilities: probabilities, classCount: 3, bins: 10)
        #expect(a.accuracy == 0.5)
        #expect(a.confusion == [1, 1, 0,
                                0, 1, 1,
                                1, 0, 1])
        // Class 0: predicted twice (samples 0, 5), right once; actual twice, found once.
        #expect(a.perClass[0] == .init(precision: 0.5, recall: 0.5, f1: 0.5, support: 2))
        #expect(a.samples[5].predictedClass == 0 && a.samples[5].margin == 0)
        #expect(abs(a.samples[3].margin - 0.1) < 1e-12)
        #expect(abs(a.macroF1 - 0.5) < 1e-12)
    }

    @Test func neverPredictedClassHasZeroPrecision() throws {
        let a = try ClassificationAnalysis(labels: [0, 1], probabilities: [0.9, 0.1, 0.6, 0.4], classCount: 2)
        #expect(a.perClass[1] == .init(precision: 0, recall: 0, f1: 0, support: 1))
        #expect(a.mostConfusedPairs() == [.init(trueClass: 1, predictedClass: 0, count: 1)])
    }

    @Test func calibrationBinsAndECE() throws {
        let a = try ClassificationAnalysis(labels: labels, probabilities: probabilities, classCount: 3, bins: 10)
        // Confidences .7 ✓, .5 ✗, .8 ✓, .4 ✗, .9 ✓, .4 ✗ → bins (.6,.7], (.4,.5], (.7,.8], (.3,.4]×2, (.8,.9].
        #expect(a.reliability[3].count == 2 && a.reliability[3].accuracy == 0)
        #expect(a.reliability[4].count == 1 && a.reliability[6].count == 1)
        let expected = (0.4 + 0.4 + 0.5 + 0.3 + 0.2 + 0.1) / 6  // Σ |acc − conf| per sample, each alone or with its twin
        #expect(abs(a.expectedCalibrationError - expected) < 1e-12)
        #expect(a.reliability.reduce(0) { $0 + $1.count } == 6)
    }

    @Test func mostConfusedPairsAreSortedByCount() throws {
        let a = try ClassificationAnalysis(labels: [0, 0, 0, 1, 1, 2], probabilities: [
            0, 1, 0,  0, 1, 0,  0, 0, 1,  1, 0, 0,  0, 1, 0,  1, 0, 0,
        ], classCount: 3)
        #expect(a.mostConfusedPairs(limit: 2) == [.init(trueClass: 0, predictedClass: 1, count: 2),
                                                  .init(trueClass: 0, predictedClass: 2, count: 1)])
    }

    @Test func badShapesAreInputErrors() {
        #expect(throws: EvaluationError.self) { try ClassificationAnalysis(labels: [0], probabilities: [1, 0, 0], classCount: 2) }
        #expect(throws: EvaluationError.self) { try ClassificationAnalysis(labels: [3], probabilities: [1, 0], classCount: 2) }
    }
}
