import ArgumentParser
import Attribution
import Datasets
import Foundation
import Report
import NN
import Tensors

/// `fovea cam`: class activation maps (pytorch-grad-cam semantics) for a model on an exact input or on images.
struct CAM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cam", abstract: "Heat maps of what a model looked at.",
        discussion: "Examples:\n  fovea cam --model resnet18 --weights r18.safetensors --image cat.png --layer layer4 --method gradcam --overlay cam.png\n  fovea cam --model resnet50 --weights w.safetensors --input x.npy --layer layer4 --method scorecam --out maps.npy --metrics")

    @OptionGroup var model: ModelOptions

    @OptionGroup var inputs: InputOptions

    @Option(parsing: .singleValue, help: "Layer path such as layer4 or layer4.1.conv2 (repeat for several layers).")
    var layer: [String]

    @Option(help: "\(CAMMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
    var method: CAMMethod = .gradcam

    @Option(help: """
        Target per image, comma-separated. Classifiers: a class (default: the arg-max). Segmenters: a class, \
        explained over the pixels predicted as that class. Detectors: the rank of a decoded detection (0 = best).
        """)
    var target: String?

    @Flag(help: "Weigh the softmax probability of the target class instead of its logit.")
    var probability = false

    @Flag(help: "Project the weighted activations on their first principal component.")
    var eigenSmooth = false

    @Option(help: "Masked inputs per forward pass (Score-CAM, Ablation-CAM).")
    var batchSize = 32

    @Flag(help: "Average the maps of six flipped and brightened copies of each input.")
    var augSmooth = false

    @Flag(help: "Skip the final min-max normalisation of the maps.")
    var raw = false

    @Flag(help: "Print faithfulness metrics per image: drop and increase in confidence, deletion and insertion areas, ROAD.")
    var metrics = false

    @Option(help: "Write the maps [N, H, W] as float32 .npy here.")
    var out: String?

    @Option(help: "Write the first image with its heat map blended in as PNG here.")
    var overlay: String?

    @Option(help: "Colour map of the overlay: jet, turbo or viridis.")
    var colormap: Colormap = .jet

    @Option(help: "Weight of the image in the overlay (the heat map gets 1 − this).")
    var imageWeight: Float = 0.5

    func validate() throws {
        guard (0...1).contains(imageWeight) else { throw ValidationError("--image-weight must be within [0, 1]") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        let (net, arch) = try model.load()
        let x = try inputs.load(for: arch).tensor
        let targets = try target.map { try resolveTargets($0, net: net, arch: arch, input: x) }
        let maps: Tensor
        do {
            let engine = try CAMEngine(model: net, layers: layer)
            engine.batchSize = batchSize
            maps = try engine.maps(x, method: method, targets: targets, eigenSmooth: eigenSmooth, augSmooth: augSmooth, raw: raw)
        } catch let e as CAMEngine.Failure {
            throw InputError("\(model.weights): \(e.description)")
        }
        if metrics { printMetrics(maps, net: net, input: x, targets: targets ?? defaultTargets(net, x)) }
        if let out { try writeOutput(NPY.encode(maps), to: out) }
        if let overlay { try writeOverlay(maps, input: x, arch: arch, to: overlay) }
        if out == nil && overlay == nil {
            print("maps \(maps.shape) for layer \(layer.joined(separator: ", ")) by \(method.rawValue); give --out or --overlay to keep them")
        }
    }

    /// The arg-max class of each image (classifiers), as the engine chooses by default.
    private func defaultTargets(_ net: Module, _ x: Tensor) -> [Target] {
        let out = withoutGrad { net(x) }
        return out.argmax(axis: 1).prefix(x.shape[0]).map { .classLogit($0) }
    }

    /// One line per image and metric, tab-separated: image, metric, value.
    private func printMetrics(_ maps: Tensor, net: Module, input x: Tensor, targets: [Target]) {
        let f = Faithfulness(model: net)
        let probabilities = targets.map { t -> Target in if case .classLogit(let k) = t { return .classProbability(k) }; return t }
        let rows: [(String, [Float])] = [
            ("drop_in_confidence", f.dropInConfidence(x, maps: maps, targets: targets)),
            ("increase_in_confidence", f.increaseInConfidence(x, maps: maps, targets: targets)),
            ("deletion_auc", f.curveArea(x, maps: maps, targets: probabilities, insertion: false)),
            ("insertion_auc", f.curveArea(x, maps: maps, targets: probabilities, insertion: true)),
            ("road_combined", f.roadCombined(x, maps: maps, targets: targets)),
        ]
        for i in 0..<x.shape[0] {
            for (name, values) in rows { print("\(i)\t\(name)\t\(String(format: "%.6f", values[i]))") }
        }
    }

    /// One target per image from `--target`, read by task.
    private func resolveTargets(_ text: String, net: Module, arch: Architecture, input x: Tensor) throws -> [Target] {
        let numbers = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.allSatisfy({ $0 != nil && $0! >= 0 }) else { throw ValidationError("--target needs non-negative numbers, got '\(text)'") }
        guard numbers.count == x.shape[0] else {
            throw ValidationError("--target gives \(numbers.count) classes for \(x.shape[0]) images: give one per image")
        }
        let values = numbers.map { $0! }
        switch arch.task {
        case .classification:
            return values.map { probability ? .classProbability($0) : .classLogit($0) }
        case .segmentation:
            let output = withoutGrad { net(x) }, plane = output.shape[2] * output.shape[3]
            let labels = output.argmax(axis: 1)
            return values.enumerated().map { i, k in
                .region(class: k, mask: (0..<plane).map { labels[i * plane + $0] == k ? 1 : 0 })
            }
        case .detection:
            let detector = net as! CenterNet
            let decoded = detector.decode(withoutGrad { detector(x) })
            return try values.enumerated().map { i, rank in
                guard rank < decoded[i].count else {
                    throw InputError("image \(i) has \(decoded[i].count) detections; --target \(rank) does not exist")
                }
                return Target.box(decoded[i][rank])
            }
        }
    }

    /// The first image (de-normalised to [0, 1]) with its map blended in.
    private func writeOverlay(_ maps: Tensor, input x: Tensor, arch: Architecture, to path: String) throws {
        let settings = try inputs.preprocessing.settings(for: arch)
        let (h, w) = (x.shape[2], x.shape[3])
        let first = x.sliced(axis: 0, 0..<1)
        let rgb = (first * Tensor(shape: [1, 3, 1, 1], settings.std) + Tensor(shape: [1, 3, 1, 1], settings.mean))
            .clamp(min: 0, max: 1).permuted([0, 2, 3, 1]).scalars
        // Scale 1: one PNG pixel per input pixel, exactly show_cam_on_image's output.
        let overlay = HeatmapOverlay(rgb: rgb, width: w, height: h, map: Array(maps.scalars.prefix(h * w)), mapWidth: w,
                                     mapHeight: h, colormap: colormap, imageWeight: imageWeight)
        let png: Data
        do { png = try overlay.png(scale: 1) }
        catch { throw InputError("\(path): \(error)") }
        try writeOutput(png, to: path)
    }
}

extension CAMMethod: ExpressibleByArgument {}
extension Colormap: ExpressibleByArgument {}
