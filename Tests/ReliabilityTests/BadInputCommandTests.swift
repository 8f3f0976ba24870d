import Foundation
import NN
import Tensors
import Testing

/// Bad input given to the `fovea` commands that Tests/CLITests do not already try (docs/RELIABILITY.md lists
/// which test covers which case): each is one line on stderr naming the file and what is wrong with it, exit 1,
/// and the output files are not created.
@Suite struct BadInputCommandTests {
    let folder: URL = try! temporaryFolder("bad-input")
    let weights = repositoryRoot.appendingPathComponent("fixtures/models/shapes_cnn.safetensors")

    /// A valid [1, 3, 32, 32] input.
    func input(_ values: (Int) -> Float = { Float($0 % 7) / 7 }) throws -> String {
        let url = folder.appendingPathComponent("x-\(UUID().uuidString).npy")
        try NPY.encode(Tensor(shape: [1, 3, 32, 32], (0..<(3 * 32 * 32)).map(values))).write(to: url)
        return url.path
    }

    /// Runs `fovea predict` with `--logits` and `--json` outputs and checks the one-line refusal.
    func expectRefusedPrediction(weights: String, input: String, saying fragment: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let logits = folder.appendingPathComponent("out-\(UUID().uuidString).npy"), json = folder.appendingPathComponent("out.json")
        let run = try runFovea(["predict", "--model", "shapes_cnn", "--weights", weights, "--input", input,
                                "--logits", logits.path, "--json", json.path])
        #expect(run.status == 1, "\(run.err)", sourceLocation: sourceLocation)
        #expect(run.err.hasPrefix("fovea: "), "\(run.err)", sourceLocation: sourceLocation)
        #expect(run.err.contains(fragment), "\(run.err)", sourceLocation: sourceLocation)
        #expect(run.err.split(separator: "\n").count == 1, "\(run.err)", sourceLocation: sourceLocation)
        #expect(run.out.isEmpty, sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: logits.path), sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: json.path), sourceLocation: sourceLocation)
    }

    @Test func truncatedWeightsAreRefused() throws {
        let bytes = try Data(contentsOf: weights)
        for keep in [0, 7, 8 + 100, bytes.count / 2, bytes.count - 1] {
            let truncated = folder.appendingPathComponent("truncated-\(keep).safetensors")
            try bytes.prefix(keep).write(to: truncated)
            try expectRefusedPrediction(weights: truncated.path, input: input(), saying: truncated.path + ": ")
        }
    }

    @Test func unsupportedDtypeIsNamed() throws {
        // A valid file whose first tensor claims a dtype Fovea does not read (same byte width as F32).
        var bytes = try Data(contentsOf: weights)
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        let patched = try #require(header.range(of: "\"F32\"")).lowerBound
        let changed = header.replacingCharacters(in: patched..<header.index(patched, offsetBy: 5), with: "\"U32\"")
        bytes.replaceSubrange(8..<(8 + headerLength), with: Data(changed.utf8))
        let file = folder.appendingPathComponent("u32.safetensors")
        try bytes.write(to: file)
        try expectRefusedPrediction(weights: file.path, input: input(), saying: "dtype U32 is not supported")
    }

    @Test func wrongShapeIsNamedWithBothShapes() throws {
        let file = try Safetensors.read(weights)
        let name = try #require(file.tensors.keys.sorted().first { file.tensors[$0]!.tensor.shape.count == 4 })
        let original = file.tensors[name]!.tensor
        let wrong = Tensor(shape: [original.shape[0] + 1] + original.shape.dropFirst(), [Float](repeating: 0, count: (original.shape[0] + 1) * original.shape.dropFirst().reduce(1, *)))
        var entries = file.tensors.map { (name: $0.key, tensor: $0.value.tensor, dtype: Safetensors.DType.F32) }
        entries.removeAll { $0.name == name }
        entries.append((name, wrong, .F32))
        let out = folder.appendingPathComponent("wrong-shape.safetensors")
        try Safetensors.write(entries, to: out)
        try expectRefusedPrediction(weights: out.path, input: input(),
                                    saying: "\(out.path): '\(name)' has shape \(wrong.shape), expected \(original.shape)")
    }

    @Test func nonFiniteInputValuesAreRefused() throws {
        for bad in [Float.nan, .infinity, -.infinity] {
            let x = try input { $0 == 1234 ? bad : 0.5 }
            try expectRefusedPrediction(weights: weights.path, input: x, saying: "\(x): contains NaN or infinite values")
        }
    }

    @Test func missingFilesAreNamed() throws {
        let missing = folder.appendingPathComponent("absent.safetensors").path
        try expectRefusedPrediction(weights: missing, input: input(), saying: missing)
        let absentInput = folder.appendingPathComponent("absent.npy").path
        try expectRefusedPrediction(weights: weights.path, input: absentInput, saying: "\(absentInput): cannot read the file")
    }

    @Test(arguments: ["data: [unclosed\n", "steps: 10\n  batch_size: 4\n", "- just\n- a list\n", "\t\n", "key: \"open\n"])
    func malformedYAMLConfigIsOneLine(text: String) throws {
        let config = folder.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try Data(text.utf8).write(to: config)
        let runDir = folder.appendingPathComponent("run-\(UUID().uuidString)")
        let run = try runFovea(["train", "--config", config.path, "--run-dir", runDir.path])
        #expect(run.status == 1, "\(text.debugDescription): \(run.err)")
        #expect(run.err.hasPrefix("fovea: \(config.path)"), "\(text.debugDescription): \(run.err)")
        #expect(run.err.split(separator: "\n").count == 1, "\(text.debugDescription): \(run.err)")
        #expect(!FileManager.default.fileExists(atPath: runDir.path), "a refused config must not create the run folder")
    }

    @Test func emptyDatasetIsRefusedBeforeTheRunFolderExists() throws {
        let data = folder.appendingPathComponent("empty-data")
        for label in ["cat", "dog"] {  // class folders without images
            try FileManager.default.createDirectory(at: data.appendingPathComponent(label), withIntermediateDirectories: true)
        }
        let config = folder.appendingPathComponent("empty.yaml")
        try Data("data: \(data.path)\nsteps: 4\nbatch_size: 2\nimage_size: 32\n".utf8).write(to: config)
        let runDir = folder.appendingPathComponent("run-empty")
        let run = try runFovea(["train", "--config", config.path, "--run-dir", runDir.path])
        #expect(run.status == 1, "\(run.err)")
        #expect(run.err.hasPrefix("fovea: \(data.path)"), "\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1, "\(run.err)")
        #expect(listing(of: runDir).filter { $0.hasPrefix("checkpoints/") }.isEmpty, "nothing half-written: \(listing(of: runDir))")
    }
}
