import Attribution
import Foundation
import NN
import Tensors
import Testing

/// `fovea cam` end to end: the maps it writes equal the library's, the overlay is a PNG, bad input is one line.
@Suite struct CAMCommandTests {
    let weights = repositoryRoot.appendingPathComponent("fixtures/models/shapes_cnn.safetensors")
    let input = repositoryRoot.appendingPathComponent("fixtures/cam/input.npy")
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-cam-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    @Test func mapsEqualTheEngineAndOverlayIsAPNG() throws {
        let out = dir.appendingPathComponent("maps.npy"), png = dir.appendingPathComponent("overlay.png")
        let run = try runFovea(["cam", "--model", "shapes_cnn", "--weights", weights.path, "--input", input.path, "--layer", "6",
                                "--method", "gradcam++", "--target", "2,5", "--out", out.path, "--overlay", png.path])
        #expect(run.status == 0, "\(run.err)")
        let maps = try NPY.read(out)
        #expect(maps.shape == [2, 64, 64])
        let model = shapesCNN()
        try model.load(contentsOf: weights)
        let expected = try CAMEngine(model: model, layers: ["6"]).maps(try NPY.read(input), method: .gradcamPlusPlus, targets: [.classLogit(2), .classLogit(5)])
        #expect(maps.scalars == expected.scalars)
        let bytes = try Data(contentsOf: png)
        #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    @Test func segmentationAndDetectionTargets() throws {
        let png = repositoryRoot.appendingPathComponent("fixtures/shapes/detection/images/0000.png").path
        let unet = dir.appendingPathComponent("unet.safetensors"), centernet = dir.appendingPathComponent("centernet.safetensors")
        try UNet(classes: 3, seed: 1).save(to: unet)
        try CenterNet(classes: 3, seed: 1).save(to: centernet)
        let segOut = dir.appendingPathComponent("seg.npy"), detOut = dir.appendingPathComponent("det.npy")
        let seg = try runFovea(["cam", "--model", "unet_small", "--weights", unet.path, "--image", png, "--layer", "down.3",
                                "--target", "1", "--out", segOut.path])
        #expect(seg.status == 0, "\(seg.err)")
        #expect(try NPY.read(segOut).shape == [1, 64, 64])
        let det = try runFovea(["cam", "--model", "centernet_resnet18", "--weights", centernet.path, "--image", png, "--layer", "smooth",
                                "--target", "0", "--out", detOut.path])
        #expect(det.status == 0, "\(det.err)")
        #expect(try NPY.read(detOut).shape == [1, 128, 128])
        let missing = try runFovea(["cam", "--model", "centernet_resnet18", "--weights", centernet.path, "--image", png, "--layer", "smooth",
                                    "--target", "100000"])
        #expect(missing.status == 1)
        #expect(missing.err.contains("--target 100000 does not exist"))
    }

    @Test func metricsArePrintedPerImage() throws {
        var rng = SeededGenerator(seed: 9)
        let small = dir.appendingPathComponent("small.npy")
        try NPY.encode(Tensor.randn([1, 3, 16, 16], using: &rng)).write(to: small)
        let run = try runFovea(["cam", "--model", "shapes_cnn", "--weights", weights.path, "--input", small.path, "--layer", "7", "--metrics"])
        #expect(run.status == 0, "\(run.err)")
        let names = run.out.split(separator: "\n").filter { $0.hasPrefix("0\t") }.map { $0.split(separator: "\t")[1] }
        #expect(names == ["drop_in_confidence", "increase_in_confidence", "deletion_auc", "insertion_auc", "road_combined"])
    }

    @Test func badLayerAndTargetCountAreClearErrors() throws {
        let layer = try runFovea(["cam", "--model", "shapes_cnn", "--weights", weights.path, "--input", input.path, "--layer", "layer4"])
        #expect(layer.status == 1)
        #expect(layer.err.hasPrefix("fovea: \(weights.path): no layer named 'layer4' (top-level layers: 0, 1,"))
        let notAMap = try runFovea(["cam", "--model", "shapes_cnn", "--weights", weights.path, "--input", input.path, "--layer", "10"])
        #expect(notAMap.status == 1)
        #expect(notAMap.err == "fovea: \(weights.path): layer '10' outputs [2, 6], not a feature map [N, C, h, w]\n")
        let beyond = try runFovea(["cam", "--model", "shapes_cnn", "--weights", weights.path, "--input", input.path, "--layer", "6", "--target", "9,1"])
        #expect(beyond.status == 1)
        #expect(beyond.err == "fovea: \(weights.path): target class 9 does not fit the model's output [2, 6]\n")
        let count = try runFovea(["cam", "--model", "shapes_cnn", "--weights", weights.path, "--input", input.path, "--layer", "6", "--target", "1"])
        #expect(count.status == 2)
        #expect(count.err.contains("--target gives 1 classes for 2 images"))
    }
}
