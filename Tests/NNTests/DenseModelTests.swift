import Foundation
import NN
import Tensors
import Testing

@Suite struct DenseModelTests {
    @Test func deepLabKeepsResolutionAndTorchvisionASPPNames() {
        let model = DeepLabV3Plus(backbone: .resnet18, classes: 3)
        model.eval()
        var rng = SeededGenerator(seed: 2)
        let y = withoutGrad { model(Tensor.randn([1, 3, 64, 48], using: &rng)) }
        #expect(y.shape == [1, 3, 64, 48])
        let names = Set(model.stateDict.map(\.name))
        #expect(names.contains("aspp.convs.4.1.weight"))      // image pooling's conv, as torchvision's ASPPPooling
        #expect(names.contains("aspp.convs.3.0.weight"))      // the rate-18 branch
        #expect(names.contains("aspp.project.0.weight"))
        #expect(!names.contains("backbone.fc.weight"))
        // Output stride 16: layer4 is dilated instead of strided.
        let stages = withoutGrad { model.backbone.stages(Tensor(zeros: [1, 3, 64, 64])) }
        #expect(stages.map { $0.shape[2] } == [16, 8, 4, 4])
    }

    @Test func unetPredictsEveryPixel() {
        let model = UNet(classes: 4)
        model.eval()
        let y = withoutGrad { model(Tensor(zeros: [2, 3, 32, 40])) }
        #expect(y.shape == [2, 4, 32, 40])
    }

    @Test func centerNetHeadsAtStrideFour() {
        let model = CenterNet(classes: 5)
        model.eval()
        let y = withoutGrad { model(Tensor(zeros: [1, 3, 64, 96])) }
        #expect(y.shape == [1, 9, 16, 24])
    }

    @Test func encodedTargetsDecodeToTheSameBoxes() {
        let coder = CenterNetCoder(classes: 3)
        let boxes = [Detection(box: (8, 12, 20, 16), label: 0, score: 1), Detection(box: (40, 30, 12, 24), label: 2, score: 1)]
        let t = coder.encode(boxes, imageSize: (64, 64))
        // An ideal network output: heat-map logits that reproduce the Gaussians, and the regression targets.
        let logits = t.heatmap.map { v in v >= 1 ? 10 : (v <= 0 ? -10 : Foundation.logf(v / (1 - v))) }
        let output = Tensor.concat([logits, t.size, t.offset], axis: 0).reshaped([1, 7, 16, 16])
        let decoded = coder.decode(output, limit: 10, scoreThreshold: 0.9, iouThreshold: 0.5)[0]
        #expect(decoded.count == 2)
        for (d, b) in zip(decoded.sorted { $0.label < $1.label }, boxes) {
            #expect(d.label == b.label)
            #expect(abs(d.box.x - b.box.x) < 1e-4 && abs(d.box.y - b.box.y) < 1e-4)
            #expect(abs(d.box.width - b.box.width) < 1e-4 && abs(d.box.height - b.box.height) < 1e-4)
        }
        // The loss at the ideal output is far below the loss at an uninformed one.
        let ideal = coder.loss(output, [t]).item
        let blank = coder.loss(Tensor(zeros: [1, 7, 16, 16]), [t]).item
        #expect(ideal < 0.05 && blank > 1)
    }

    @Test func aNegativeSizeDecodesToAnEmptyBoxNotAnInvertedOne() {
        // One class, one peak at cell (2, 1) of a 4 × 4 map, size regressed to (−1.5, 2), no offset.
        let output = Tensor(zeros: [1, 5, 4, 4])
        output.data[2 * 4 + 1] = 5
        output.data[16 + 2 * 4 + 1] = -1.5
        output.data[32 + 2 * 4 + 1] = 2
        let d = CenterNetCoder(classes: 1).decode(output, limit: 10, scoreThreshold: 0.6, iouThreshold: 0.5)[0]
        #expect(d.count == 1 && d[0].box.width == 0 && d[0].box.height == 8 && d[0].box.x == 4 && d[0].box.y == 4)
    }

    /// Every scored path decodes with the evaluation settings (score ≥ 0.01, top 100): a detector's own decode
    /// keeps a 0.02 peak, as training validation does, so `fovea iterate`'s AP is the run's `val_ap50`.
    @Test func theDetectorDecodesWithTheEvaluationSettings() {
        let output = Tensor(repeating: -10, shape: [1, 5, 4, 4])
        for i in 16..<80 { output.data[i] = 1 }  // size 1×1, offsets 1 cell
        output.data[2 * 4 + 1] = Foundation.logf(0.02 / 0.98)
        let found = CenterNet(classes: 1).decode(output)[0]
        #expect(found.count == 1 && abs(found[0].score - 0.02) < 1e-6)
        #expect(CenterNetCoder.scoreThreshold == 0.01 && CenterNetCoder.limit == 100)
    }

    @Test func letterboxKeepsTheAspectAndPadsWithTheMean() {
        // A white 8 × 4 image into a 4 × 4 input: two rows of image between one padded row above and one below.
        let p = Preprocessing(size: 4, resize: .letterbox, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])
        let x = p.apply(Tensor(shape: [1, 3, 4, 8], [Float](repeating: 1, count: 96)))
        #expect(x.shape == [1, 3, 4, 4])
        #expect((0..<4).map { x.data[$0 * 4] } == [0, 2, 2, 0], "padding normalises to 0, white to (1 − 0.5) / 0.25")
        let placement = p.placement(height: 4, width: 8)
        #expect(placement.scale == (0.5, 0.5) && placement.offset == (1, 0))
    }

    @Test func boxesGoBackThroughTheLetterbox() {
        // 100 × 50 into a 128 letterbox: scale 1.28, 32 rows of padding above.
        let p = Preprocessing(size: 128, resize: .letterbox)
        let box = p.originalBox((x: 12.8, y: 44.8, width: 25.6, height: 12.8), height: 50, width: 100)
        for (a, e) in zip(box, [10.0, 10, 20, 10]) { #expect(abs(a - e) < 1e-4, "\(box)") }
        let stretched = Preprocessing(size: 64, resize: .stretch).originalBox((x: 32, y: 16, width: 8, height: 8), height: 128, width: 256)
        #expect(stretched == [128, 32, 32, 16])
    }

    @Test func nmsKeepsTheBestPerClass() {
        let a = Detection(box: (0, 0, 10, 10), label: 0, score: 0.9)
        let b = Detection(box: (1, 1, 10, 10), label: 0, score: 0.8)   // IoU with a = 81/119 > 0.5: suppressed
        let c = Detection(box: (1, 1, 10, 10), label: 1, score: 0.7)   // other class: kept
        let d = Detection(box: (20, 20, 5, 5), label: 0, score: 0.95)  // apart: kept, ranked first
        #expect(nonMaximumSuppression([a, b, c, d], iouThreshold: 0.5) == [d, a, c])
        #expect(nonMaximumSuppression([a, b], iouThreshold: 0.7) == [a, b])
    }
}
