import NN
import Tensors

/// The class-activation-map engine (pytorch-grad-cam 1.5 semantics): capture activations and gradients at named
/// layers, let a method weigh them, then ReLU, min-max scale and resize per layer, and average the layers.
public final class CAMEngine {
    public let model: Module
    public let layers: [String]
    /// Images per batch for the methods that run extra forward passes (Score-CAM, Ablation-CAM).
    public var batchSize = 32
    /// How Score-CAM's masked forward passes run their convolutions (see `ConvolutionAlgorithm` and
    /// `ConvolutionPrecision`); the capture pass is always direct fp32.
    public var scoreCAMAlgorithm: ConvolutionAlgorithm = .winograd
    public var scoreCAMPrecision: ConvolutionPrecision = .fp32
    /// Whether Score-CAM's masked forwards run through an `InferencePlan` (BN folded, ReLU and residual adds
    /// fused, where the model allows) or module by module.
    public var fusedForwards = true
    private lazy var inference = InferencePlan(model)

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    public init(model: Module, layers: [String]) throws {
        self.model = model
        self.layers = layers
        guard !layers.isEmpty else { throw Failure(description: "no target layer given") }
        for path in layers where model.module(at: path) == nil {
            let known = model.namedModules.map(\.0).filter { !$0.isEmpty && !$0.contains(".") }
            throw Failure(description: "no layer named '\(path)' (top-level layers: \(known.joined(separator: ", ")))")
        }
    }

    /// What the engine captured at one layer for a batch.
    public struct Capture {
        public let layer: String
        public let activations: Tensor   // [N, C, h, w]
        public let gradients: Tensor?    // same shape; nil for gradient-free methods
    }

    /// Maps in [0, 1] at input resolution, [N, H, W]; `raw` skips the final min-max of the layer average.
    /// `augSmooth` averages the maps of six test-time augmentations (horizontal flip × brightness 0.9, 1, 1.1,
    /// as pytorch-grad-cam's default ttach set), each mapped back before averaging.
    public func maps(_ input: Tensor, method: CAMMethod, targets: [Target]? = nil, eigenSmooth: Bool = false,
                     augSmooth: Bool = false, raw: Bool = false) throws -> Tensor {
        guard augSmooth else { return try maps(input, method: method, targets: targets, eigenSmooth: eigenSmooth, raw: raw) }
        var sum: Tensor?
        for flip in [false, true] {
            for factor: Float in [0.9, 1, 1.1] {
                let augmented = (flip ? input.flipped(axis: 3) : input) * factor
                var m = try maps(augmented, method: method, targets: targets, eigenSmooth: eigenSmooth, raw: raw)
                if flip { m = m.flipped(axis: 2) }
                sum = sum.map { $0 + m } ?? m
            }
        }
        return sum! / 6
    }

    private func maps(_ input: Tensor, method: CAMMethod, targets: [Target]?, eigenSmooth: Bool, raw: Bool) throws -> Tensor {
        if let targets, targets.count != input.shape[0] {
            throw Failure(description: "\(targets.count) targets for \(input.shape[0]) images: give one per image")
        }
        model.eval()
        let (resolved, captures) = try capture(input, gradients: method.usesGradients, targets: targets)
        for c in captures where c.activations.rank != 4 {
            throw Failure(description: "layer '\(c.layer)' outputs \(c.activations.shape), not a feature map [N, C, h, w]")
        }
        let size = (input.shape[2], input.shape[3])
        let perLayer = try captures.map { c -> Tensor in
            let cam = try method.map(c, context: Context(engine: self, input: input, targets: resolved), eigenSmooth: eigenSmooth).relu()
            return upsampleBilinear(Self.minMax(cam).reshaped([cam.shape[0], 1, cam.shape[1], cam.shape[2]]), size: size, alignCorners: false)
        }
        let mean = Tensor.concat(perLayer, axis: 1).relu().mean(axes: [1])
        return raw ? mean : Self.minMax(mean)
    }

    /// Forward with hooks that capture each layer's output as a fresh leaf, so the backward pass stops there;
    /// parameters are frozen meanwhile (no weight gradients are computed). Returns the targets used (the
    /// arg-max classes when none were given) and the captures.
    func capture(_ input: Tensor, gradients: Bool, targets: [Target]?) throws -> ([Target], [Capture]) {
        let modules = layers.map { model.module(at: $0)! }
        var captured: [Tensor?] = Array(repeating: nil, count: layers.count)
        for (i, m) in modules.enumerated() {
            m.forwardHook = { y in
                let leaf = y.detached()
                leaf.requiresGrad = gradients
                captured[i] = leaf
                return leaf
            }
        }
        let trainable = model.parameters.map { ($0, $0.requiresGrad) }
        model.freeze()
        defer {
            for m in modules { m.forwardHook = nil }
            for (p, flag) in trainable { p.requiresGrad = flag }
        }
        let output = gradients ? model(input) : withoutGrad { model(input) }
        for t in targets ?? [] { try t.check(against: output) }
        let resolved = targets ?? (0..<input.shape[0]).map { Target.argmax(output, image: $0) }
        if gradients {
            let total = (0..<input.shape[0]).map { resolved[$0].score(output, image: $0) }.reduce(Tensor(scalar: 0), +)
            if total.requiresGrad { total.backward() }
        }
        return (resolved, zip(layers, captured).map { Capture(layer: $0, activations: $1!.detached(), gradients: $1!.grad) })
    }

    /// Runs Score-CAM's masked forwards: with its convolution arithmetic, and the parameters frozen so that
    /// oneDNN keeps the weights in its own layout across the passes.
    func maskedForwards<R>(_ body: () -> R) -> R {
        let trainable = model.parameters.map { ($0, $0.requiresGrad) }
        model.freeze()
        defer { for (p, flag) in trainable { p.requiresGrad = flag } }
        return ConvolutionAlgorithm.$current.withValue(scoreCAMAlgorithm) {
            ConvolutionPrecision.$current.withValue(scoreCAMPrecision, operation: body)
        }
    }

    /// Scores of `targets[image]` for a batch of inputs, without gradients (Score-CAM, Ablation-CAM, metrics);
    /// `fused: false` forces the ordinary forward.
    func scores(_ batch: Tensor, target: Target, fused: Bool = true) -> [Float] {
        let out = fused && fusedForwards ? inference(batch) : withoutGrad { model(batch) }
        return (0..<batch.shape[0]).map { target.score(out, image: $0).item }
    }

    /// pytorch-grad-cam's scale_cam_image without resize: x − min, then ÷ (1e-7 + max), per image.
    static func minMax(_ maps: Tensor) -> Tensor {
        let n = maps.shape[0], plane = maps.count / n
        let out = Tensor.empty(maps.shape)
        for i in 0..<n {
            let p = maps.data + i * plane, q = out.data + i * plane
            var lo = Float.infinity
            for j in 0..<plane { lo = Swift.min(lo, p[j]) }
            var hi = -Float.infinity
            for j in 0..<plane { q[j] = p[j] - lo; hi = Swift.max(hi, q[j]) }
            for j in 0..<plane { q[j] /= 1e-7 + hi }
        }
        return out
    }

    /// What a method may use besides the captures: the input, the targets, extra forward passes.
    public struct Context {
        let engine: CAMEngine
        let input: Tensor
        let targets: [Target]
    }
}
