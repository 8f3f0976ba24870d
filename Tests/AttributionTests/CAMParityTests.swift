import Attribution
import Foundation
import NN
import Tensors
import Testing
import TestSupport

/// Maps equal pytorch-grad-cam 1.5's (goldens from scripts/goldens/cam.py) to 1e-3, for every method on
/// resnet18 at layer4 and layer3, on a batch of two images.
@Suite(.serialized) struct CAMParityTests {  // one shared model, whose hooks the engine sets
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        let name: String, method: String, layer: String, eigen_smooth: Bool, aug_smooth: Bool
        let softmax_targets: [Int]?
        var testDescription: String { name }
    }
    struct Cases: Decodable { let argmax: [Int]; let cases: [Case] }

    static let cases: Cases = try! JSONDecoder().decode(Cases.self, from: Data(contentsOf: fixturesRoot.appendingPathComponent("cam/cases.json")))
    nonisolated(unsafe) static let model: ResNet = {
        let m = ResNet(.resnet18)
        try! m.load(formulaState(m), source: "formula")
        return m
    }()
    nonisolated(unsafe) static let input: Tensor = try! NPY.read(fixturesRoot.appendingPathComponent("cam/input.npy"))

    @Test(arguments: cases.cases)
    func mapsMatchPytorchGradCAM(_ c: Case) throws {
        let method = try #require(CAMMethod(rawValue: c.method))
        let engine = try CAMEngine(model: Self.model, layers: [c.layer])
        let targets = c.softmax_targets.map { $0.map(Target.classProbability) }
        let maps = try engine.maps(Self.input, method: method, targets: targets, eigenSmooth: c.eigen_smooth, augSmooth: c.aug_smooth)
        let expected = try NPY.read(fixturesRoot.appendingPathComponent("cam/\(c.name).npy"))
        #expect(maps.shape == expected.shape)
        let worst = (0..<expected.count).map { abs(maps[flat: $0] - expected[flat: $0]) }.max() ?? .infinity
        #expect(worst <= 1e-3, "\(c.name): max difference \(worst)")
    }

    @Test func targetCountMustMatchTheBatch() throws {
        let engine = try CAMEngine(model: Self.model, layers: ["layer4"])
        #expect(throws: CAMEngine.Failure.self) { try engine.maps(Self.input, method: .gradcam, targets: [.classLogit(1)]) }
        #expect(throws: CAMEngine.Failure.self) { try CAMEngine(model: Self.model, layers: ["layer9"]) }
    }
}
