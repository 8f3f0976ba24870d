import ArgumentParser
import Datasets
import Foundation
import NN
import Tensors

/// `fovea predict`: a classifier's predictions for an exact input array (`--input X.npy`, already normalised:
/// the parity path) or for image files (`--image`, with the model's preprocessing).
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on inputs and print or save its predictions.",
        discussion: "Examples:\n  fovea predict --model resnet18 --weights r18.safetensors --image cat.png dog.jpg\n  fovea predict --model resnet50 --weights w.safetensors --input x.npy --logits logits.npy\n  fovea predict --model centernet_resnet18 --weights det.safetensors --image street.png --json dets.json")

    @OptionGroup var model: ModelOptions

    @OptionGroup var inputs: InputOptions

    @Option(help: "Write the logits [N, classes] as float32 .npy here.")
    var logits: String?

    @Option(help: "Write the predictions as JSON here.")
    var json: String?

    @Option(help: "Classes listed per prediction.")
    var top = 5

    @Option(name: .customLong("score-threshold"),
            help: "Detectors: lowest score kept (the evaluation paths — training validation, fovea iterate — keep ≥ 0.01 for COCO's whole precision-recall curve).")
    var scoreThreshold: Float = 0.05

    func validate() throws {
        guard top > 0 else { throw ValidationError("--top must be positive") }
        guard (0...1).contains(scoreThreshold) else { throw ValidationError("--score-threshold must lie in [0, 1]") }
    }

    func run() throws {
        let (net, arch) = try model.load()
        let batch = try inputs.load(for: arch)
        let (x, names) = (batch.tensor, batch.names)
        let out = withoutGrad { net(x) }
        var document: [String: Any] = ["model": arch.rawValue, "weights": model.weights, "task": arch.task.rawValue]
        switch arch.task {
        case .classification: document["predictions"] = classify(out, names)
        case .segmentation: document["predictions"] = segment(out, names)
        case .detection: document["detections"] = try detect(out, net as! CenterNet, arch, batch.sizes, names)
        }
        if let logits { try writeOutput(NPY.encode(out), to: logits) }
        if let json { try writeOutput(JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), to: json) }
    }

    /// Top classes by softmax probability, one row per image.
    private func classify(_ out: Tensor, _ names: [String]) -> [[String: Any]] {
        let probabilities = out.softmax(axis: 1), classes = out.shape[1]
        return (0..<out.shape[0]).map { i in
            let p = (0..<classes).map { k in probabilities[flat: i * classes + k] }
            let ranked = p.indices.sorted { p[$0] > p[$1] }.prefix(top)
            if json == nil && logits == nil { print("\(names[i])\tclass \(ranked.first!)\tscore \(String(format: "%.4f", p[ranked.first!]))") }
            return ["source": names[i], "class": ranked.first!, "score": Double(p[ranked.first!]),
                    "top": ranked.map { ["class": $0, "score": Double(p[$0])] }]
        }
    }

    /// The arg-max class of every pixel, summarised as pixel counts per class (the full logits go to --logits).
    private func segment(_ out: Tensor, _ names: [String]) -> [[String: Any]] {
        let labels = out.argmax(axis: 1), plane = out.shape[2] * out.shape[3]
        return (0..<out.shape[0]).map { i in
            var counts = [Int](repeating: 0, count: out.shape[1])
            for p in 0..<plane { counts[labels[i * plane + p]] += 1 }
            if json == nil && logits == nil { print("\(names[i])\tpixels per class \(counts)") }
            return ["source": names[i], "pixels_per_class": counts]
        }
    }

    /// COCO results (image_id = position in the batch) with boxes mapped back to each original image.
    private func detect(_ out: Tensor, _ net: CenterNet, _ arch: Architecture, _ sizes: [(Int, Int)], _ names: [String]) throws -> [[String: Any]] {
        let settings = try inputs.preprocessing.settings(for: arch)
        var results: [[String: Any]] = []
        for (i, detections) in net.decode(out, scoreThreshold: scoreThreshold).enumerated() {
            for d in detections {
                let box = i < sizes.count ? settings.originalBox(d.box, height: sizes[i].0, width: sizes[i].1) : [d.box.x, d.box.y, d.box.width, d.box.height].map(Double.init)
                results.append(["image_id": i, "category_id": d.label, "bbox": box, "score": Double(d.score)])
                if json == nil && logits == nil { print("\(names[i])\tclass \(d.label)\tscore \(String(format: "%.3f", d.score))\tbox \(box.map { String(format: "%.1f", $0) })") }
            }
        }
        return results
    }
}

/// `--model ARCH --weights W.safetensors`, shared by the commands that run a model.
struct ModelOptions: ParsableArguments {
    @Option(help: "Architecture: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: Architecture

    @Option(help: "Weights as safetensors with PyTorch (torchvision) names.")
    var weights: String

    /// The model in eval mode, its classifier sized by the weights file.
    func load() throws -> (Module, Architecture) {
        do {
            let file = try Safetensors.read(URL(fileURLWithPath: weights))
            guard let head = file.tensors[model.classifierKey]?.tensor else {
                throw InputError("\(weights): missing key '\(model.classifierKey)' (is this a \(model.rawValue)?)")
            }
            let net = model.make(classes: head.shape[0])
            try net.load(file.tensors.mapValues(\.tensor), source: weights)
            net.eval()
            net.freeze()  // inference only: oneDNN keeps frozen weights in its own layout
            return (net, model)
        } catch let e as Safetensors.Failure {
            throw InputError(e.description)
        }
    }
}

/// Where a model's input comes from: an exact array or image files with the model's preprocessing.
struct InputOptions: ParsableArguments {
    @Option(help: "Float32 NCHW array, already normalised (exact path).")
    var input: String?

    @Option(parsing: .upToNextOption, help: "PNG or JPEG files (the model's preprocessing is applied).")
    var image: [String] = []

    @OptionGroup var preprocessing: PreprocessingOptions

    func validate() throws {
        guard (input == nil) != image.isEmpty else { throw ValidationError("give exactly one of --input X.npy or --image IMG …") }
    }

    /// The batch, each image's original (height, width) (images only), and a name per image.
    func load(for arch: Architecture) throws -> (tensor: Tensor, sizes: [(Int, Int)], names: [String]) {
        guard let input else {
            let (x, sizes) = try preprocessing.batch(image, for: arch)
            guard min(x.shape[2], x.shape[3]) >= arch.minimumInputSize else {
                throw ValidationError("--size \(x.shape[2]) is below \(arch.rawValue)'s minimum \(arch.minimumInputSize)")
            }
            return (x, sizes, image)
        }
        let x: Tensor
        do { x = try NPY.read(URL(fileURLWithPath: input)) } catch let e as NPY.Failure { throw InputError(e.description) }
        guard x.rank == 4, x.shape[1] == 3, x.shape[0] > 0 else { throw InputError("\(input): shape \(x.shape) is not [N, 3, H, W]") }
        guard min(x.shape[2], x.shape[3]) >= arch.minimumInputSize else {
            throw InputError("\(input): \(x.shape[2])×\(x.shape[3]) images are below \(arch.rawValue)'s minimum \(arch.minimumInputSize)×\(arch.minimumInputSize)")
        }
        guard x.scalars.allSatisfy(\.isFinite) else { throw InputError("\(input): contains NaN or infinite values") }
        return (x, [], (0..<x.shape[0]).map { "\(input)[\($0)]" })
    }
}

/// How image files become a model's input.
struct PreprocessingOptions: ParsableArguments {
    @Option(help: "Resize policy: stretch, letterbox or center-crop (default: the model's).")
    var resize: Preprocessing.Resize?

    @Option(help: "Input size (default: the model's).")
    var size: Int?

    @Option(help: "Per-channel mean as r,g,b in [0, 1] (default: ImageNet's).")
    var mean: String?

    @Option(help: "Per-channel standard deviation as r,g,b (default: ImageNet's).")
    var std: String?

    func settings(for arch: Architecture) throws -> Preprocessing {
        var p = arch.preprocessing
        if let resize { p.resize = resize }
        if let size { guard size > 0 else { throw ValidationError("--size must be positive") }; p.size = size }
        if let mean { p.mean = try Self.triple(mean, "--mean") }
        if let std {
            p.std = try Self.triple(std, "--std")
            guard p.std.allSatisfy({ $0 > 0 }) else { throw ValidationError("--std values must be positive") }
        }
        return p
    }

    /// Decodes, converts to RGB and preprocesses every image into one batch; also returns each original (height, width).
    func batch(_ paths: [String], for arch: Architecture) throws -> (Tensor, [(Int, Int)]) {
        let p = try settings(for: arch)
        var sizes: [(Int, Int)] = []
        let images = try paths.map { path -> Tensor in
            let image: Datasets.Image
            do { image = try ImageCodecs.read(path: path).rgb8() } catch let e as ImageCodecError { throw InputError(e.description) }
            sizes.append((image.height, image.width))
            let hwc = Tensor(shape: [1, image.height, image.width, 3], image.floats())
            return p.apply(hwc.permuted([0, 3, 1, 2]))
        }
        return (Tensor.concat(images, axis: 0), sizes)
    }

    static func triple(_ text: String, _ flag: String) throws -> [Float] {
        let values = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 3 else { throw ValidationError("\(flag) needs three numbers r,g,b, got '\(text)'") }
        return values
    }
}

extension Architecture: ExpressibleByArgument {}
extension Preprocessing.Resize: ExpressibleByArgument {}

/// Writes a whole file or nothing (temporary name, then rename).
func writeOutput(_ data: Data, to path: String) throws {
    do { try AtomicFile.write(data, to: URL(fileURLWithPath: path)) } catch { throw InputError("\(path): cannot write (\(error))") }
}
