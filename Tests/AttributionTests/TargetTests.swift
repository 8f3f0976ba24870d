import Attribution
import Foundation
import NN
import Tensors
import Testing

/// Targets for segmentation and detection, on models small enough to work the answer out by hand.
@Suite struct TargetTests {
    @Test func regionTargetGivesTheHandComputedGradCAM() throws {
        // conv1×1 (3→4) → ReLU → conv1×1 (4→2). For a region target of class 1 over mask M, the gradient at the
        // ReLU output is W2[1, c]·M, so Grad-CAM's channel weight is W2[1, c]·mean(M).
        let model = Sequential(Conv2d(3, 4, kernel: 1, rng: RandomSource(seed: 1)), Function.relu(), Conv2d(4, 2, kernel: 1, rng: RandomSource(seed: 2)))
        var rng = SeededGenerator(seed: 3)
        let x = Tensor.randn([1, 3, 5, 6], using: &rng)
        let mask: [Float] = (0..<30).map { $0 % 7 == 0 ? 1 : 0 }
        let maps = try CAMEngine(model: model, layers: ["1"]).maps(x, method: .gradcam, targets: [.region(class: 1, mask: mask)])

        let a = withoutGrad { model.layers[1](model.layers[0](x)) }   // [1, 4, 5, 6]
        let w2 = (model.layers[2] as! Conv2d).weight                   // [2, 4, 1, 1]
        let meanMask = mask.reduce(0, +) / 30
        var cam = [Float](repeating: 0, count: 30)
        for c in 0..<4 { for p in 0..<30 { cam[p] += w2[flat: 4 + c] * meanMask * a[flat: c * 30 + p] } }
        cam = cam.map { max($0, 0) }
        let lo = cam.min()!, hi = cam.map { $0 - lo }.max()!
        let expected = cam.map { ($0 - lo) / (1e-7 + hi) }
        // Same resolution as the input, so the engine's resize is the identity; then min-max once more.
        #expect(maps.shape == [1, 5, 6])
        #expect(zip(maps.scalars, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func boxTargetScoresTheDecodedDetection() throws {
        let model = CenterNet(classes: 3, seed: 4)
        model.eval()
        var rng = SeededGenerator(seed: 5)
        let x = Tensor.randn([1, 3, 64, 64], using: &rng)
        let output = withoutGrad { model(x) }
        let detection = try #require(model.decode(output, limit: 5, scoreThreshold: 0).first?.first)
        // The target's score for that box is the detection's own score.
        let target = Target.box(detection)
        guard case .box(let k, let row, let column) = target else { Issue.record("not a box target"); return }
        let plane = 16 * 16, logit = output[flat: k * plane + row * 16 + column]
        #expect(abs(1 / (1 + Foundation.exp(-logit)) - detection.score) < 1e-6)
        let maps = try CAMEngine(model: model, layers: ["smooth"]).maps(x, method: .gradcam, targets: [target])
        #expect(maps.shape == [1, 64, 64])
        #expect(abs(maps.scalars.max()! - 1) < 1e-4 || maps.scalars.allSatisfy { $0 == 0 })
    }
}
