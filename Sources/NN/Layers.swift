import Foundation
import Tensors

// The layers torchvision models are built from, with PyTorch's parameter names and default initialisation.

public final class Conv2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let window: Window
    public let groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                groups: Int = 1, bias: Bool = true, rng: RandomSource) {
        let fanIn = inChannels / groups * kernel * kernel, bound = 1 / Float(fanIn).squareRoot()
        weight = rng.uniform([outChannels, inChannels / groups, kernel, kernel], bound: bound)
        self.bias = bias ? rng.uniform([outChannels], bound: bound) : nil
        window = Window(kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation))
        self.groups = groups
        super.init()
        weight.requiresGrad = true
        self.bias?.requiresGrad = true
    }

    override public func forward(_ x: Tensor) -> Tensor { conv2d(x, weight, bias, window: window, groups: groups) }
}

/// nn.Linear over the last axis (any leading axes, e.g. ConvNeXt's channels-last blocks).
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: RandomSource) {
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = rng.uniform([outFeatures, inFeatures], bound: bound)
        self.bias = bias ? rng.uniform([outFeatures], bound: bound) : nil
        super.init()
        weight.requiresGrad = true
        self.bias?.requiresGrad = true
    }

    override public func forward(_ x: Tensor) -> Tensor {
        if x.rank == 2 { return linear(x, weight, bias) }
        let lead = Array(x.shape.dropLast())
        return linear(x.reshaped([-1, x.shape[x.rank - 1]]), weight, bias).reshaped(lead + [weight.shape[0]])
    }
}

public final class BatchNorm2d: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let running_mean: Buffer
    public let running_var: Buffer
    public let num_batches_tracked: Buffer
    public let momentum: Float
    public let eps: Float

    public init(_ channels: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        weight = Tensor(repeating: 1, shape: [channels])
        bias = Tensor(zeros: [channels])
        running_mean = Buffer(Tensor(zeros: [channels]))
        running_var = Buffer(Tensor(repeating: 1, shape: [channels]))
        num_batches_tracked = Buffer(Tensor(zeros: []), isInteger: true)
        self.momentum = momentum
        self.eps = eps
        super.init()
        weight.requiresGrad = true
        bias.requiresGrad = true
    }

    override public func forward(_ x: Tensor) -> Tensor {
        guard isTraining else {
            return batchNorm(x, weight: weight, bias: bias, runningMean: running_mean.tensor, runningVar: running_var.tensor,
                             training: false, momentum: momentum, eps: eps)
        }
        num_batches_tracked.tensor.data[0] += 1
        return batchNorm(x, weight: weight, bias: bias, runningMean: running_mean.tensor, runningVar: running_var.tensor,
                         training: true, momentum: momentum, eps: eps)
    }
}

/// nn.LayerNorm over the last axis.
public class LayerNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let eps: Float

    public init(_ features: Int, eps: Float = 1e-5) {
        weight = Tensor(repeating: 1, shape: [features])
        bias = Tensor(zeros: [features])
        self.eps = eps
        super.init()
        weight.requiresGrad = true
        bias.requiresGrad = true
    }

    override public func forward(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, eps: eps) }
}

/// torchvision's LayerNorm2d: the same parameters, over the channels of an NCHW tensor.
public final class LayerNorm2d: LayerNorm {
    override public init(_ channels: Int, eps: Float = 1e-6) { super.init(channels, eps: eps) }

    override public func forward(_ x: Tensor) -> Tensor {
        layerNorm(x.permuted([0, 2, 3, 1]), weight: weight, bias: bias, eps: eps).permuted([0, 3, 1, 2])
    }
}

/// A parameter-free function as a layer (ReLU, GELU, pooling, flatten, permute).
public final class Function: Module {
    public let name: String
    /// What the function computes, for code that compiles a model (InferencePlan); `.other` for any closure.
    public let kind: Kind
    private let body: (Tensor) -> Tensor

    public enum Kind: Equatable, Sendable {
        case relu, gelu, identity, flatten, globalAvgPool, permute([Int])
        case maxPool(kernel: Int, stride: Int, padding: Int)
        case other
    }

    public init(_ name: String, kind: Kind = .other, _ body: @escaping (Tensor) -> Tensor) {
        self.name = name; self.kind = kind; self.body = body
    }
    override public func forward(_ x: Tensor) -> Tensor { body(x) }

    public static func relu() -> Function { Function("ReLU", kind: .relu) { $0.relu() } }
    public static func gelu() -> Function { Function("GELU", kind: .gelu) { $0.gelu() } }
    public static func identity() -> Function { Function("Identity", kind: .identity) { $0 } }
    public static func flatten() -> Function { Function("Flatten", kind: .flatten) { $0.flattened() } }
    public static func globalAvgPool() -> Function { Function("AdaptiveAvgPool2d(1)", kind: .globalAvgPool) { globalAvgPool2d($0) } }
    public static func permute(_ order: [Int]) -> Function { Function("Permute", kind: .permute(order)) { $0.permuted(order) } }
    public static func maxPool(_ kernel: Int, stride: Int? = nil, padding: Int = 0) -> Function {
        Function("MaxPool2d", kind: .maxPool(kernel: kernel, stride: stride ?? kernel, padding: padding)) {
            maxPool2d($0, kernel: kernel, stride: stride, padding: padding)
        }
    }
}

/// nn.Dropout: active in training only.
public final class Dropout: Module {
    public let p: Float
    private let rng: RandomSource
    public init(_ p: Float, rng: RandomSource) { self.p = p; self.rng = rng }
    override public func forward(_ x: Tensor) -> Tensor { dropout(x, p: p, training: isTraining, using: &rng.generator) }
}

/// torchvision.ops.StochasticDepth in "row" mode: in training, drops a whole sample's residual branch with
/// probability p and scales survivors by 1/(1-p).
public final class StochasticDepth: Module {
    public let p: Float
    private let rng: RandomSource
    public init(_ p: Float, rng: RandomSource) { self.p = p; self.rng = rng }

    override public func forward(_ x: Tensor) -> Tensor {
        guard isTraining && p > 0 else { return x }
        let keep = Tensor.empty([x.shape[0]] + Array(repeating: 1, count: x.rank - 1))
        for i in 0..<keep.count { keep.data[i] = rng.generator.nextUnit() >= p ? 1 / (1 - p) : 0 }
        return x * keep
    }
}

/// torchvision's DropBlock2d; `p` can follow a schedule (DropBlock's authors ramp it up during training).
public final class DropBlock2d: Module {
    public var p: Float
    public let blockSize: Int
    private let rng: RandomSource
    public init(p: Float, blockSize: Int, rng: RandomSource) { self.p = p; self.blockSize = blockSize; self.rng = rng }
    override public func forward(_ x: Tensor) -> Tensor {
        // A feature map smaller than the block takes the largest odd block that fits (a 2×2 map: 1).
        let fits = min(blockSize, (min(x.shape[2], x.shape[3]) - 1) | 1)
        return dropBlock2d(x, p: p, blockSize: fits, training: isTraining, using: &rng.generator)
    }
}
