import Foundation
import NN
import Tensors
import Testing
import TestSupport

/// Logits of torchvision architectures equal PyTorch's (float64 reference, norm-wise relative 1e-4) with weights from the shared formula
/// of scripts/goldens/models.py, and PyTorch-written safetensors load unchanged.
@Suite struct ModelParityTests {
    static let golden: ModelGoldens = {
        let url = fixtures.appendingPathComponent("logits.json")
        return try! JSONDecoder().decode(ModelGoldens.self, from: Data(contentsOf: url))
    }()

    @Test func weightFormulaMatchesTheGenerator() {
        for (name, probe) in Self.golden.weight_probe {
            let shape = name == "layer1.0.conv1.weight" ? [64, 64, 3, 3] : [name == "fc.bias" ? 1000 : 64]
            let values = Array(formulaTensor(name, shape).scalars.prefix(8))
            #expect(values == probe.data, "\(name)")
        }
    }

    @Test(arguments: ["shapes_cnn", "resnet18", "resnet18_half", "resnet50", "convnext_tiny"])
    func logitsMatchTorchvision(_ arch: String) throws {
        let model = try #require(Architecture(rawValue: arch)).make(classes: ["shapes_cnn", "resnet18_half"].contains(arch) ? 6 : 1000)
        try model.load(formulaState(model), source: "formula")
        model.eval()
        let logits = withoutGrad { model(Self.golden.input.tensor) }
        #expect(!logits.requiresGrad)
        let expected = try #require(Self.golden.logits[arch])
        #expect(logits.shape == expected.shape)
        #expect(maxRelativeError(logits, expected) <= 1e-5)  // measured 3e-7 to 1e-6
    }

    @Test func torchSaveFileLoadsUnchanged() throws {
        let model = shapesCNN()
        try model.load(contentsOf: fixtures.appendingPathComponent("shapes_cnn.safetensors"))
        model.eval()
        let logits = withoutGrad { model(Self.golden.input.tensor) }
        #expect(maxRelativeError(logits, Self.golden.logits["shapes_cnn"]!) <= 1e-4)
    }

    @Test func everyDtypeReadsAsFloat32() throws {
        let file = try Safetensors.read(fixtures.appendingPathComponent("dtypes.safetensors"))
        let expected = try JSONDecoder().decode([String: Golden].self, from: Data(contentsOf: fixtures.appendingPathComponent("dtypes.json")))
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors["f16"]?.dtype == .F16 && file.tensors["bf16"]?.dtype == .BF16 && file.tensors["i64"]?.dtype == .I64)
        for (key, golden) in expected {
            let t = try #require(file.tensors[key]?.tensor)
            #expect(t.shape == golden.shape, "\(key)")
            #expect(t.scalars == golden.data, "\(key)")
        }
    }
}

let fixtures = fixturesRoot.appendingPathComponent("models")

struct Golden: Decodable {
    let shape: [Int]
    let data: [Float]
    var tensor: Tensor { Tensor(shape: shape, data) }
}

struct ModelGoldens: Decodable {
    let input: Golden
    let logits: [String: Golden]
    let weight_probe: [String: Golden]
}

/// Norm-wise relative error max|a − b| / max|b| (logits near zero make elementwise ratios meaningless).
func maxRelativeError(_ a: Tensor, _ b: Golden) -> Float {
    let scale = b.data.map(abs).max() ?? 0
    return ((0..<b.data.count).map { abs(a[flat: $0] - b.data[$0]) }.max() ?? .infinity) / scale
}

