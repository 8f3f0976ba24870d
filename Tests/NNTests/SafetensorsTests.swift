import Foundation
import NN
import Tensors
import Testing
import TestSupport

@Suite struct SafetensorsTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-safetensors-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    @Test func roundTripKeepsNamesShapesValuesAndIntegerCounters() throws {
        let model = ResNet(.resnet18, classes: 10, seed: 3)
        (model.bn1.num_batches_tracked.tensor.data)[0] = 42
        let url = dir.appendingPathComponent("r18.safetensors")
        try model.save(to: url, metadata: ["fovea": "test"])
        let file = try Safetensors.read(url)
        #expect(file.metadata == ["fovea": "test"])
        #expect(file.tensors["bn1.num_batches_tracked"]?.dtype == .I64)
        #expect(file.tensors["fc.weight"]?.dtype == .F32)
        let other = ResNet(.resnet18, classes: 10, seed: 4)
        try other.load(contentsOf: url)
        for (a, b) in zip(model.stateDict, other.stateDict) {
            #expect(a.name == b.name)
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name)")
        }
        // Nothing but the file itself is left in the folder (the temporary name was renamed).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["r18.safetensors"])
    }

    @Test func strictLoadingNamesTheKeyAndTheShapes() throws {
        let url = dir.appendingPathComponent("shapes.safetensors")
        try shapesCNN(classes: 6).save(to: url)
        let error = #expect(throws: Safetensors.Failure.self) { try shapesCNN(classes: 10).load(contentsOf: url) }
        #expect(error?.description == "\(url.path): '10.weight' has shape [6, 128], expected [10, 128]")

        // A new head for fine-tuning: skip it, load the rest.
        let finetune = shapesCNN(classes: 10)
        let skipped = try finetune.load(contentsOf: url, skipping: ["10.weight", "10.bias"])
        #expect(skipped == ["10.weight", "10.bias"])

        let missing = #expect(throws: Safetensors.Failure.self) { try ResNet(.resnet18).load(contentsOf: url) }
        #expect(missing?.description.hasPrefix("\(url.path): unexpected key '0.0.weight'") == true)
    }

    static let malformed: [(String, Data)] = [
        ("truncated header", Data([1, 2, 3])),
        ("header length past the end", Data([0xFF, 0, 0, 0, 0, 0, 0, 0]) + Data("{}".utf8)),
        ("header not JSON", Data([4, 0, 0, 0, 0, 0, 0, 0]) + Data("nope".utf8)),
        ("offsets past the data", header(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#) + Data([0, 0, 0, 0])),
        ("size does not match shape", header(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#) + Data(count: 8)),
        ("unknown dtype", header(#"{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#) + Data(count: 8)),
    ]

    @Test(arguments: 0..<6)
    func malformedFilesAreOneLineErrors(_ index: Int) throws {
        let (label, bytes) = Self.malformed[index]
        let url = dir.appendingPathComponent("bad.safetensors")
        try bytes.write(to: url)
        let error = #expect(throws: Safetensors.Failure.self, "\(label)") { try Safetensors.read(url) }
        #expect(error?.description.hasPrefix(url.path + ": ") == true)
        #expect(error?.description.contains("\n") == false)
    }
}

func header(_ json: String) -> Data {
    var d = Data()
    withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { d.append(contentsOf: $0) }
    return d + Data(json.utf8)
}

/// The file Fovea writes for shapes_cnn with the formula weights is committed (fixtures/models/
/// shapes_cnn.fovea.safetensors) so that scripts/goldens/check_fovea_safetensors.py can prove PyTorch loads
/// it strictly; this test keeps that file equal, byte for byte, to what the writer produces today.
@Suite struct FoveaWrittenFileTests {
    @Test func writerOutputMatchesTheCommittedFile() throws {
        let model = shapesCNN()
        try model.load(formulaState(model), source: "formula")
        let committed = fixturesRoot.appendingPathComponent("models/shapes_cnn.fovea.safetensors")
        if ProcessInfo.processInfo.environment["FOVEA_UPDATE_FIXTURES"] == "1" { try model.save(to: committed) }
        let fresh = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-\(UUID().uuidString).safetensors")
        try model.save(to: fresh)
        #expect(try Data(contentsOf: fresh) == Data(contentsOf: committed))
    }
}
