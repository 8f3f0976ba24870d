import Foundation
import NN
import Tensors
import Testing

/// `fovea predict` end to end: the exact .npy path reproduces PyTorch's logits; images run through preprocessing;
/// bad input is one line and exit 1; bad usage exit 2; nothing is written on failure.
@Suite struct PredictTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-predict-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()
    let weights = repositoryRoot.appendingPathComponent("fixtures/models/shapes_cnn.safetensors").path

    /// The golden input batch of fixtures/models/logits.json as a .npy file, and its shapes_cnn logits.
    func goldenInput() throws -> (String, [Float]) {
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: repositoryRoot.appendingPathComponent("fixtures/models/logits.json"))) as! [String: Any]
        let input = golden["input"] as! [String: Any]
        let values = (input["data"] as! [NSNumber]).map(\.floatValue)
        let path = dir.appendingPathComponent("x.npy").path
        try NPY.encode(Tensor(shape: [2, 3, 64, 64], values)).write(to: URL(fileURLWithPath: path))
        let logits = ((golden["logits"] as! [String: Any])["shapes_cnn"] as! [String: Any])["data"] as! [NSNumber]
        return (path, logits.map(\.floatValue))
    }

    @Test func exactInputReproducesPyTorchLogits() throws {
        let (x, expected) = try goldenInput()
        let out = dir.appendingPathComponent("logits.npy"), json = dir.appendingPathComponent("p.json")
        let run = try runFovea(["predict", "--model", "shapes_cnn", "--weights", weights, "--input", x,
                                "--logits", out.path, "--json", json.path])
        #expect(run.status == 0, "\(run.err)")
        let data = try Data(contentsOf: out)
        let logits = data.suffix(2 * 6 * 4).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(data.count == 128 + 48)
        #expect(zip(logits, expected).allSatisfy { abs($0 - $1) <= 1e-5 * 0.35 })
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        let predictions = doc["predictions"] as! [[String: Any]]
        #expect(predictions.count == 2)
        #expect(predictions[0]["class"] as? Int == 4)  // arg-max of the golden logits
        #expect(predictions[0]["source"] as? String == "\(x)[0]")
    }

    @Test func imagesArePreprocessedAndPredicted() throws {
        let png = repositoryRoot.appendingPathComponent("fixtures/pngsuite/basn2c08.png").path
        let run = try runFovea(["predict", "--model", "shapes_cnn", "--weights", weights, "--image", png, png, "--resize", "letterbox"])
        #expect(run.status == 0, "\(run.err)")
        let lines = run.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("\(png)\tclass "))
    }

    @Test func detectorEmitsCOCOResultsInOriginalPixels() throws {
        let weights = dir.appendingPathComponent("centernet.safetensors")
        try CenterNet(classes: 3, seed: 5).save(to: weights)
        let images = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("fixtures/shapes/detection/images").path)
            .sorted().prefix(2).map { repositoryRoot.appendingPathComponent("fixtures/shapes/detection/images/\($0)").path }
        let json = dir.appendingPathComponent("det.json")
        let run = try runFovea(["predict", "--model", "centernet_resnet18", "--weights", weights.path, "--image"] + images + ["--json", json.path])
        #expect(run.status == 0, "\(run.err)")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        #expect(doc["task"] as? String == "detection")
        let detections = try #require(doc["detections"] as? [[String: Any]])
        #expect(detections.count <= 200)
        for d in detections {
            #expect(Set(d.keys) == ["image_id", "category_id", "bbox", "score"])
            #expect((d["bbox"] as? [Double])?.count == 4)
            #expect([0, 1].contains(d["image_id"] as? Int ?? -1))
            #expect((d["score"] as? Double ?? 0) >= 0.05, "the default --score-threshold")
        }
        // --score-threshold keeps what it is told: a threshold between two of the scores keeps the upper ones only.
        let scores = detections.compactMap { $0["score"] as? Double }.sorted()
        try #require(scores.count >= 2 && scores.first! < scores.last!)
        let middle = scores.count / 2
        let threshold = Float((scores[middle - 1] + scores[middle]) / 2)
        let high = dir.appendingPathComponent("det-high.json")
        let strict = try runFovea(["predict", "--model", "centernet_resnet18", "--weights", weights.path, "--image"] + images
                                  + ["--json", high.path, "--score-threshold", "\(threshold)"])
        #expect(strict.status == 0, "\(strict.err)")
        let kept = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: high)) as! [String: Any])["detections"] as? [[String: Any]])
        let expected = scores.filter { Float($0) >= threshold }.count
        #expect(kept.count == expected && expected > 0 && expected < scores.count, "\(kept.count) kept of \(scores.count) at \(threshold)")
        #expect(kept.allSatisfy { Float($0["score"] as? Double ?? 0) >= threshold })
        #expect(try runFovea(["predict", "--model", "centernet_resnet18", "--weights", weights.path, "--image"] + images
                             + ["--score-threshold", "2"]).status == 2)
    }

    @Test func segmenterCountsPixelsPerClass() throws {
        let weights = dir.appendingPathComponent("unet.safetensors")
        try UNet(classes: 3, seed: 5).save(to: weights)
        let png = repositoryRoot.appendingPathComponent("fixtures/pngsuite/basn2c08.png").path
        let json = dir.appendingPathComponent("seg.json")
        let run = try runFovea(["predict", "--model", "unet_small", "--weights", weights.path, "--image", png, "--json", json.path])
        #expect(run.status == 0, "\(run.err)")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        let counts = try #require((doc["predictions"] as? [[String: Any]])?.first?["pixels_per_class"] as? [Int])
        #expect(counts.count == 3 && counts.reduce(0, +) == 64 * 64)
    }

    @Test func badInputIsOneLineAndWritesNothing() throws {
        let (x, _) = try goldenInput()
        let out = dir.appendingPathComponent("never.npy").path
        let wrongModel = try runFovea(["predict", "--model", "resnet18", "--weights", weights, "--input", x, "--logits", out])
        #expect(wrongModel.status == 1)
        #expect(wrongModel.err == "fovea: \(weights): missing key 'fc.weight' (is this a resnet18?)\n")
        #expect(!FileManager.default.fileExists(atPath: out))

        let notNPY = dir.appendingPathComponent("bad.npy").path
        try Data("not numpy".utf8).write(to: URL(fileURLWithPath: notNPY))
        let bad = try runFovea(["predict", "--model", "shapes_cnn", "--weights", weights, "--input", notNPY])
        #expect(bad.status == 1)
        #expect(bad.err == "fovea: \(notNPY): not a .npy file (magic bytes missing)\n")

        var rng = SeededGenerator(seed: 1)
        let tiny = dir.appendingPathComponent("tiny.npy")
        try NPY.encode(Tensor.randn([1, 3, 2, 2], using: &rng)).write(to: tiny)
        let small = try runFovea(["predict", "--model", "shapes_cnn", "--weights", weights, "--input", tiny.path])
        #expect(small.status == 1)
        #expect(small.err == "fovea: \(tiny.path): 2×2 images are below shapes_cnn's minimum 4×4\n")

        let usage = try runFovea(["predict", "--model", "shapes_cnn", "--weights", weights])
        #expect(usage.status == 2)
        let unknown = try runFovea(["predict", "--model", "vgg16", "--weights", weights, "--input", x])
        #expect(unknown.status == 2)
    }
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
