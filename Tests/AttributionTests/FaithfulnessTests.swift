import Attribution
import NN
import Tensors
import Testing

/// The metrics on a model whose answer is known: its single logit is Σ x·W over the first channel, so a map
/// equal to W is perfectly faithful and every score can be computed by hand.
@Suite struct FaithfulnessTests {
    static let (h, w) = (4, 4)
    /// W: the top-left 2×2 block counts, the rest does not.
    static let weights: [Float] = (0..<16).map { ($0 / 4 < 2 && $0 % 4 < 2) ? 1 : 0 }
    let model = Sequential(Function("probe") { x in
        (x.sliced(axis: 1, 0..<1) * Tensor(shape: [1, 1, 4, 4], FaithfulnessTests.weights)).sum(axes: [1, 2, 3]).reshaped([-1, 1])
    })
    let ones = Tensor(repeating: 1, shape: [1, 3, 4, 4])

    @Test func confidenceChangeOfAPerfectAndAnEmptyMap() {
        let metrics = Faithfulness(model: model)
        let perfect = Tensor(shape: [1, 4, 4], Self.weights), empty = Tensor(zeros: [1, 4, 4])
        #expect(metrics.confidenceChange(ones, maps: perfect, targets: [.classLogit(0)]) == [0])  // 4 → 4
        #expect(metrics.dropInConfidence(ones, maps: empty, targets: [.classLogit(0)]) == [4])    // 4 → 0
        #expect(metrics.increaseInConfidence(ones, maps: empty, targets: [.classLogit(0)]) == [0])
    }

    @Test func deletionAndInsertionCurves() {
        let metrics = Faithfulness(model: model)
        let perfect = Tensor(shape: [1, 4, 4], Self.weights)
        // Deleting the 4 relevant pixels first, in 16 one-pixel stages: the score falls 4, 3, 2, 1, 0, 0, …
        // Trapezoid area: (3.5 + 2.5 + 1.5 + 0.5) / 16 = 0.5.
        #expect(metrics.curveArea(ones, maps: perfect, targets: [.classLogit(0)], insertion: false, steps: 16) == [0.5])
        // Inserting them first: 0, 1, 2, 3, 4, 4, … → (0.5 + 1.5 + 2.5 + 3.5 + 12·4) / 16 = 3.5.
        #expect(metrics.curveArea(ones, maps: perfect, targets: [.classLogit(0)], insertion: true, steps: 16) == [3.5])
        // A map that ranks the relevant pixels last deletes them last: area (12·4 + 3.5 + 2.5 + 1.5 + 0.5) / 16.
        let reversed = Tensor(shape: [1, 4, 4], Self.weights.map { 1 - $0 })
        #expect(metrics.curveArea(ones, maps: reversed, targets: [.classLogit(0)], insertion: false, steps: 16) == [3.5])
    }

    @Test func linearImputationRecoversARamp() {
        // A linear ramp is reproduced exactly by the neighbour-average system (its stencil is symmetric).
        let ramp = Tensor(shape: [1, 1, 6, 6], (0..<36).map { Float($0 / 6) * 0.5 + Float($0 % 6) * 0.25 })
        let keep = (0..<36).map { p in !(1...4).contains(p / 6) || !(1...4).contains(p % 6) }  // the 4×4 interior is removed
        var rng = SeededGenerator(seed: 0)
        let filled = Faithfulness.impute(ramp, keep: keep, noise: 0, rng: &rng)
        #expect(zip(filled.scalars, ramp.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func roadOnARampChangesNothingForALinearModel() {
        let metrics = Faithfulness(model: model)
        let ramp = Tensor(shape: [1, 3, 4, 4], (0..<48).map { Float(($0 % 16) / 4) + Float($0 % 4) })
        let map = Tensor(shape: [1, 4, 4], (0..<16).map { Float($0) / 15 })
        let change = metrics.road(ramp, maps: map, targets: [.classLogit(0)], percentile: 50, mostRelevantFirst: true, noise: 0)
        #expect(abs(change[0]) < 1e-4)
    }

    @Test func percentileInterpolatesAsNumPy() {
        #expect(Faithfulness.percentile([1, 2, 3, 4], 30) == 1.9)    // numpy.percentile([1, 2, 3, 4], 30)
        #expect(Faithfulness.percentile([5, 1, 3], 50) == 3)
    }
}
