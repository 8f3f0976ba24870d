import Attribution
import Foundation
import NN
import Tensors
import Testing
import TestSupport

/// Score-CAM's masked forwards run Winograd convolutions by default (CAMParityTests checks those maps); the
/// direct fp32 path, kept as an option, gives pytorch-grad-cam's maps too. (bf16 masked forwards were measured
/// at 2.2e-3 from the goldens at layer4, docs/PERFORMANCE.md, so Score-CAM stays fp32 by default.)
@Suite(.serialized) struct ScoreCAMAlgorithmTests {  // its own model: engines set hooks on the model they run
    nonisolated(unsafe) static let model: ResNet = {
        let m = ResNet(.resnet18)
        try! m.load(formulaState(m), source: "formula")
        return m
    }()

    @Test func winogradIsTheDefault() throws {
        #expect(try CAMEngine(model: Self.model, layers: ["layer4"]).scoreCAMAlgorithm == .winograd)
    }

    @Test(arguments: ["layer4", "layer3"])
    func directMapsMatchPytorchGradCAM(_ layer: String) throws {
        let engine = try CAMEngine(model: Self.model, layers: [layer])
        engine.scoreCAMAlgorithm = .direct
        let maps = try engine.maps(CAMParityTests.input, method: .scorecam)
        let expected = try NPY.read(fixturesRoot.appendingPathComponent("cam/scorecam_\(layer).npy"))
        let worst = (0..<expected.count).map { abs(maps[flat: $0] - expected[flat: $0]) }.max() ?? .infinity
        #expect(worst <= 1e-3, "max difference \(worst)")
    }
}
