import Tensors

/// torchvision's ConvNeXt: a patchify stem, four stages of ConvNeXt blocks with LayerNorm2d + stride-2
/// downsampling between them, and a LayerNorm–Linear head. State-dict names as torchvision's.
public final class ConvNeXt: Module {
    public let features: Sequential
    public let avgpool = Function.globalAvgPool()
    public let classifier: Sequential

    public struct Configuration: Sendable {
        public var widths: [Int]
        public var depths: [Int]
        public var stochasticDepth: Float
        /// torchvision's convnext_tiny.
        public static let tiny = Configuration(widths: [96, 192, 384, 768], depths: [3, 3, 9, 3], stochasticDepth: 0.1)
        /// A small configuration that trains on a CPU in minutes (64×64 inputs).
        public static let nano = Configuration(widths: [32, 64, 128, 256], depths: [1, 1, 2, 1], stochasticDepth: 0.05)
    }

    /// `regularization` may override the stochastic depth rate, adds DropBlock after the blocks of stages 3 and 4
    /// and dropout before the classifier's linear layer.
    public init(_ config: Configuration, classes: Int = 1000, seed: UInt64 = 0, regularization: Regularization = Regularization()) {
        let rng = RandomSource(seed: seed)
        let depthRate = regularization.stochasticDepth ?? config.stochasticDepth
        var layers: [Module] = [Sequential(Conv2d(3, config.widths[0], kernel: 4, stride: 4, rng: rng), LayerNorm2d(config.widths[0]))]
        let total = config.depths.reduce(0, +)
        var blockIndex = 0
        for (stage, (width, depth)) in zip(config.widths, config.depths).enumerated() {
            layers.append(Sequential((0..<depth).map { _ in
                // Drop probability grows linearly with depth, as torchvision's.
                let p = Regularization.depthRate(depthRate, block: blockIndex, of: total)
                blockIndex += 1
                return ConvNeXtBlock(width, stochasticDepth: StochasticDepth(p, rng: regularization.noise),
                                     dropBlock: stage >= 2 ? regularization.dropBlockLayer() : nil, rng: rng)
            }))
            if stage + 1 < config.widths.count {
                layers.append(Sequential(LayerNorm2d(width), Conv2d(width, config.widths[stage + 1], kernel: 2, stride: 2, rng: rng)))
            }
        }
        features = Sequential(layers)
        let last = config.widths[config.widths.count - 1]
        classifier = Sequential(LayerNorm2d(last), regularization.flattenThenDropout(), Linear(last, classes, rng: rng))
    }

    override public func forward(_ x: Tensor) -> Tensor { classifier(avgpool(features(x))) }
}

/// CNBlock: depthwise 7×7 → (channels-last) LayerNorm → Linear 4× → GELU → Linear → LayerScale, plus the
/// residual, with stochastic depth on the branch.
public final class ConvNeXtBlock: Module {
    public let block: Sequential
    public let layer_scale: Tensor
    public let stochastic_depth: StochasticDepth
    public let drop_block: DropBlock2d?

    init(_ dim: Int, stochasticDepth: StochasticDepth, dropBlock: DropBlock2d?, rng: RandomSource) {
        block = Sequential(Conv2d(dim, dim, kernel: 7, padding: 3, groups: dim, rng: rng), Function.permute([0, 2, 3, 1]),
                           LayerNorm(dim, eps: 1e-6), Linear(dim, 4 * dim, rng: rng), Function.gelu(),
                           Linear(4 * dim, dim, rng: rng), Function.permute([0, 3, 1, 2]))
        layer_scale = Tensor(repeating: 1e-6, shape: [dim, 1, 1])
        stochastic_depth = stochasticDepth
        drop_block = dropBlock
        super.init()
        layer_scale.requiresGrad = true
    }

    override public func forward(_ x: Tensor) -> Tensor {
        let out = stochastic_depth(layer_scale * block(x)) + x
        return drop_block?(out) ?? out
    }
}
